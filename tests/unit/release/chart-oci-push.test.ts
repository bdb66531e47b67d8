// The release workflow's chart commands, dry-run against a real local OCI registry (CNCF distribution on
// loopback): `helm package` then `helm push oci://.../charts`, a digest printed as the workflow reads it,
// and the pushed chart installs an image tagged with its appVersion.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { waitFor } from "../../cluster/polling.js";
import { chartDir, helmBinary, parseObjects, repoRoot } from "../../support/helm.js";
import { releaseToolBinary } from "../../support/release-tools.js";
import { readVersions } from "../../../tools/release-version.js";

test("helm package + helm push put the chart into an OCI registry, from where it renders its appVersion's image", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mediaplane-oci-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [port] = await freeLoopbackPorts(1);
  const registryAddress = `127.0.0.1:${port}`;
  writeFileSync(
    join(dir, "registry.yaml"),
    stringify({
      version: 0.1,
      log: { level: "warn" },
      storage: { filesystem: { rootdirectory: join(dir, "storage") } },
      http: { addr: registryAddress },
    }),
  );
  const registry = spawn(releaseToolBinary("registry"), ["serve", join(dir, "registry.yaml")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let registryLog = "";
  registry.stderr.on("data", (chunk: Buffer) => (registryLog += chunk.toString("utf8")));
  const exited = once(registry, "exit");
  t.after(async () => {
    if (registry.exitCode === null && registry.signalCode === null) {
      registry.kill("SIGTERM");
      await exited;
    }
  });
  await waitFor(async () => (await fetch(`http://${registryAddress}/v2/`)).status === 200, {
    what: "the registry's /v2/",
    timeoutMs: 30_000,
    abortIf: () => (registry.exitCode !== null ? `registry exited: ${registryLog}` : undefined),
  });

  // Helm keeps registry logins and caches under these; keep them out of the user's home.
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(dir, "helm-cache"),
    HELM_CONFIG_HOME: join(dir, "helm-config"),
    HELM_DATA_HOME: join(dir, "helm-data"),
  };
  const helmRun = (args: string[], streams: "stdout" | "both" = "both"): string => {
    const run = spawnSync(helmBinary(), args, { cwd: repoRoot, env, encoding: "utf8" });
    assert.equal(run.status, 0, `helm ${args.join(" ")}:\n${run.stdout}${run.stderr}`);
    return streams === "stdout" ? run.stdout : `${run.stdout}${run.stderr}`;
  };
  const { chartVersion, chartAppVersion } = readVersions(repoRoot);
  helmRun(["package", chartDir, "--destination", join(dir, "chart")]);
  const pushed = helmRun([
    "push",
    join(dir, "chart", `mediaplane-${chartVersion}.tgz`),
    `oci://${registryAddress}/charts`,
    "--plain-http",
  ]);
  // The workflow's `awk '/^Digest:/ { print $2 }'` reads this line for the attestation.
  assert.match(pushed, /^Digest: sha256:[0-9a-f]{64}$/m, pushed);

  const reference = `oci://${registryAddress}/charts/mediaplane`;
  const shown = helmRun(["show", "chart", reference, "--version", chartVersion, "--plain-http"]);
  assert.match(shown, new RegExp(`^appVersion: "?${chartAppVersion.replace(/\./g, "\\.")}"?$`, "m"));
  const rendered = parseObjects(
    helmRun([
      "template",
      "mediaplane",
      reference,
      "--version",
      chartVersion,
      "--plain-http",
      "-n",
      "mediaplane-system",
    ]),
  );
  const deployment = rendered.find((object) => object.kind === "Deployment") as unknown as {
    spec: { template: { spec: { containers: Array<{ image: string }> } } };
  };
  assert.equal(
    deployment.spec.template.spec.containers[0].image,
    `ghcr.io/mediaplane/mediaplane:${chartAppVersion}`,
  );
});
