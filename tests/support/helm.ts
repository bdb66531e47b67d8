// Runs the real helm binary (built by tests/cluster/build.sh) for the chart tests and the install
// manifest generator; it talks to a cluster only when the caller passes a KUBECONFIG.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { clusterBinaryPaths } from "../cluster/binaries.js";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const chartDir = join(repoRoot, "helm", "mediaplane");

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The pinned helm (MEDIAPLANE_TEST_BIN_DIR, else MEDIAPLANE_BIN_DIR or ~/.cache/mediaplane/bin). */
export function helmBinary(): string {
  const binDir = process.env["MEDIAPLANE_TEST_BIN_DIR"];
  return (binDir !== undefined && binDir !== "" ? clusterBinaryPaths(binDir) : clusterBinaryPaths()).helm;
}

function failure(args: readonly string[], result: HelmResult): Error {
  return new Error(`helm ${args.join(" ")} exited ${result.code}:\n${result.stderr}${result.stdout}`);
}

/** Runs helm synchronously (offline commands: template, lint); throws on a non-zero exit unless told. */
export function helmSync(args: readonly string[], options: { allowFailure?: boolean } = {}): HelmResult {
  const run = spawnSync(helmBinary(), args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  const result = { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
  if (result.code !== 0 && options.allowFailure !== true) throw failure(args, result);
  return result;
}

/** Runs helm against a cluster (install, upgrade, uninstall) without blocking the event loop. */
export function helm(args: readonly string[], kubeconfigPath: string): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(helmBinary(), args, {
      cwd: repoRoot,
      env: { ...process.env, KUBECONFIG: kubeconfigPath },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => {
      const result = { code: code ?? 1, stdout, stderr };
      if (result.code === 0) resolve(result);
      else reject(failure(args, result));
    });
  });
}

/** `helm template` of the chart with `--set` pairs; returns the rendered YAML. */
export function renderChart(release: string, namespace: string, sets: readonly string[] = []): string {
  const setArgs = sets.flatMap((pair) => ["--set", pair]);
  return helmSync(["template", release, chartDir, "--namespace", namespace, ...setArgs]).stdout;
}

/** A rendered Kubernetes object; `source` is helm's `# Source:` template path. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Every object in a multi-document YAML text (empty documents skipped). */
export function parseObjects(text: string): RenderedObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join("; "));
      return document.toJS() as RenderedObject | null;
    })
    .filter((object): object is RenderedObject => object !== null && object !== undefined);
}

/** The chart's objects as `helm template` renders them with `--set` pairs. */
export function renderChartObjects(
  sets: readonly string[] = [],
  release = "mp",
  namespace = "mp-system",
): RenderedObject[] {
  return parseObjects(renderChart(release, namespace, sets));
}
