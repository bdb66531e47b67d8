// What `npm test` ends with: finds the test files, starts one real test control plane and prepares the
// qbittorrent-nox versions when integration or e2e files are selected, and runs everything in one `node --test`.
import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { clusterBinDir } from "./cluster/binaries.js";
import { startControlPlane } from "./cluster/control-plane.js";
import type { ControlPlane } from "./cluster/control-plane.js";
import { controlChannelEnv, serveControlChannel } from "./cluster/control-channel.js";
import type { ControlChannel } from "./cluster/control-channel.js";
import { prepareQbittorrentTargets, qbittorrentTargetsEnv } from "./cluster/qbittorrent-targets.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const suites = { unit: "tests/unit", integration: "tests/integration", e2e: "tests/e2e" } as const;

/** Every *.test.ts under `dir` (relative to the repo root, `/`-separated, sorted); [] if `dir` is absent. */
async function testFilesUnder(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(resolve(repoRoot, dir), { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.endsWith(".test.ts") && !entry.split(sep).includes("node_modules"))
    .map((entry) => join(dir, entry).split(sep).join("/"))
    .sort();
}

/** The files named on the command line (files or directories), relative to the repo root. */
async function selectedFiles(args: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    const path = relative(repoRoot, resolve(arg)).split(sep).join("/");
    const info = await stat(resolve(repoRoot, path)).catch(() => undefined);
    if (info === undefined) throw new Error(`no such test file or directory: ${arg}`);
    files.push(...(info.isDirectory() ? await testFilesUnder(path) : [path]));
  }
  return files;
}

async function testFiles(argv: readonly string[]): Promise<string[]> {
  const unitOnly = argv.includes("--unit");
  const named = argv.filter((arg) => arg !== "--unit");
  if (named.length > 0) return selectedFiles(named);
  const dirs = unitOnly ? [suites.unit] : [suites.unit, suites.integration, suites.e2e];
  return (await Promise.all(dirs.map(testFilesUnder))).flat();
}

function needsCluster(files: readonly string[]): boolean {
  return files.some((file) => file.startsWith(`${suites.integration}/`) || file.startsWith(`${suites.e2e}/`));
}

function runNodeTest(files: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const runner = spawn(
    process.execPath,
    ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", ...files],
    { cwd: repoRoot, env, stdio: "inherit" },
  );
  const killRunner = (): void => {
    if (runner.exitCode === null && runner.signalCode === null) runner.kill("SIGTERM");
  };
  process.on("exit", killRunner);
  return new Promise((resolveExit) => {
    runner.once("error", (error) => {
      process.stderr.write(`cannot start the test runner: ${error.message}\n`);
      resolveExit(1);
    });
    runner.once("exit", (code, signal) => {
      process.off("exit", killRunner);
      resolveExit(code ?? (signal !== null ? 1 : 0));
    });
  });
}

async function main(): Promise<number> {
  const files = await testFiles(process.argv.slice(2));
  if (files.length === 0) {
    process.stdout.write("no test files found\n");
    return 0;
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  let controlPlane: ControlPlane | undefined;
  let channel: ControlChannel | undefined;
  if (needsCluster(files)) {
    // The 5.x root filesystems are built once (cached); with CI=true one that cannot be built fails the
    // run with its one-line reason instead of skipping its tests.
    const prepared = await prepareQbittorrentTargets({ strict: process.env["CI"] === "true" });
    for (const note of prepared.notes) process.stderr.write(`${note}\n`);
    env[qbittorrentTargetsEnv] = JSON.stringify(prepared.targets);
    env["MEDIAPLANE_TEST_BIN_DIR"] ??= clusterBinDir();
    if (env["MEDIAPLANE_TEST_KUBECONFIG"] === undefined || env["MEDIAPLANE_TEST_KUBECONFIG"] === "") {
      controlPlane = await startControlPlane();
      env["MEDIAPLANE_TEST_KUBECONFIG"] = controlPlane.kubeconfigPath;
      // Tests of watch recovery restart the apiserver through this process, which owns it.
      channel = await serveControlChannel(controlPlane);
      env[controlChannelEnv.url] = channel.url;
      env[controlChannelEnv.etcd] = controlPlane.etcdUrl;
    }
  }
  try {
    return await runNodeTest(files, env);
  } finally {
    // Silent: the CI reads the runner's closing summary lines, so nothing may follow them.
    await channel?.close();
    await controlPlane?.stop();
  }
}

try {
  process.exit(await main());
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
