// The GitHub Actions workflows cannot run here (no runner), so this lints them with the real actionlint
// and checks what a release depends on: tag trigger, both architectures, SBOM and provenance, the
// version gate, the chart pushed as OCI, and CI running .ci/run on pull requests.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { repoRoot } from "../../support/helm.js";
import { releaseToolBinary } from "../../support/release-tools.js";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
  env?: Record<string, string>;
  container?: { image: string; options?: string };
  "timeout-minutes"?: number;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflowsDir = join(repoRoot, ".github", "workflows");
const readWorkflow = (name: string): Workflow =>
  parse(readFileSync(join(workflowsDir, name), "utf8")) as Workflow;
const stepUsing = (job: Job, action: string): Step => {
  const step = job.steps.find((candidate) => candidate.uses?.startsWith(`${action}@`));
  assert.ok(step, `a step uses ${action}`);
  return step;
};

test("actionlint finds nothing in .github/workflows", () => {
  const run = spawnSync(releaseToolBinary("actionlint"), ["-color=false"], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  assert.equal(run.error, undefined);
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
});

test("actionlint is not vacuous: it refuses a workflow with an unknown action input and a bad expression", () => {
  const broken = [
    "on: push",
    "jobs:",
    "  x:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - uses: actions/checkout@v4",
    "        with: { no-such-input: 1 }",
    "      - run: echo ${{ github.no_such_context.x }",
    "",
  ].join("\n");
  const run = spawnSync(releaseToolBinary("actionlint"), ["-color=false", "-"], {
    cwd: repoRoot,
    input: broken,
    encoding: "utf8",
  });
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stdout, /no-such-input/);
});

test("the release workflow builds both architectures from the Dockerfile with SBOM and provenance, on version tags", () => {
  const release = readWorkflow("release.yaml");
  assert.deepEqual(release.on, { push: { tags: ["v*.*.*"] } });
  assert.deepEqual(release.permissions, { contents: "read" }, "write access only where a job asks for it");
  const version = release.jobs["version"];
  assert.ok(version.steps.some((step) => step.run?.includes("npx tsx tools/release-version.ts check")));
  const image = release.jobs["image"];
  assert.deepEqual(image.needs, "version");
  assert.equal(image.permissions?.["packages"], "write");
  assert.equal(image.permissions?.["attestations"], "write");
  assert.equal(image.permissions?.["id-token"], "write");
  stepUsing(image, "docker/setup-qemu-action");
  const build = stepUsing(image, "docker/build-push-action");
  assert.equal(build.with?.["file"], "Dockerfile");
  assert.equal(build.with?.["platforms"], "linux/amd64,linux/arm64");
  assert.equal(build.with?.["push"], true);
  assert.equal(build.with?.["sbom"], true);
  assert.equal(build.with?.["provenance"], "mode=max");
  assert.equal(build.with?.["tags"], "${{ env.IMAGE }}:${{ env.VERSION }}");
  assert.equal(image.env?.["IMAGE"], "ghcr.io/${{ needs.version.outputs.owner }}/mediaplane");
  const attest = stepUsing(image, "actions/attest-build-provenance");
  assert.equal(attest.with?.["subject-digest"], "${{ steps.build.outputs.digest }}");
});

test("the release workflow packages the chart with its image at the owner's registry and pushes it as OCI", () => {
  const chart = readWorkflow("release.yaml").jobs["chart"];
  assert.deepEqual(chart.needs, ["version", "image"], "the chart is published only after its image");
  const script = chart.steps.map((step) => step.run ?? "").join("\n");
  assert.match(script, /helm package helm\/mediaplane --destination dist\/chart/);
  assert.match(
    script,
    /helm push "dist\/chart\/mediaplane-\$\{VERSION\}\.tgz" "oci:\/\/ghcr\.io\/\$\{OWNER\}\/charts"/,
  );
  // The sed that points the packaged chart at this owner's image must match values.yaml's line exactly.
  const values = readFileSync(join(repoRoot, "helm", "mediaplane", "values.yaml"), "utf8");
  assert.match(script, /s\|\^ {2}repository: ghcr\.io\/mediaplane\/mediaplane\$\|/);
  assert.match(values, /^ {2}repository: ghcr\.io\/mediaplane\/mediaplane$/m);
  assert.equal(stepUsing(chart, "azure/setup-helm").with?.["version"], "v3.22.0");
});

test("CI runs .ci/run with CI=true on pull requests, as root in Debian bookworm, within 90 minutes", () => {
  const ci = readWorkflow("ci.yaml");
  assert.ok("pull_request" in ci.on);
  const job = ci.jobs["test"];
  assert.equal(job.container?.image, "debian:bookworm");
  assert.equal(job.env?.["CI"], "true");
  assert.equal(job["timeout-minutes"], 90);
  assert.ok(job.steps.some((step) => step.run === "bash .ci/run"));
  assert.equal(stepUsing(job, "actions/setup-node").with?.["node-version"], "20.19");
});
