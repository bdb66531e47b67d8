// What `npm test` ends with: finds the test files, starts one real test control plane and prepares the
// qbittorrent-nox versions when integration or e2e files are selected, and runs everything in one `node --test`.
// Files under tests/e2e-node (or --real-node) get the opt-in real node, and the host is checked clean after.
import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { clusterBinDir } from "./cluster/binaries.js";
import { startControlPlane } from "./cluster/control-plane.js";
import type { ControlPlane } from "./cluster/control-plane.js";
import { controlChannelEnv, serveControlChannel } from "./cluster/control-channel.js";
import type { ControlChannel } from "./cluster/control-channel.js";
import { realNodeEnv } from "./cluster/node/real-node-handle.js";
import type { RealNodeHandle } from "./cluster/node/real-node-handle.js";
import { prepareQbittorrentTargets, qbittorrentTargetsEnv } from "./cluster/qbittorrent-targets.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const suites = {
  unit: "tests/unit",
  integration: "tests/integration",
  e2e: "tests/e2e",
  // Not in the default selection: these need root, containerd and `build.sh --real-node`.
  realNode: "tests/e2e-node",
} as const;

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
  const named = argv.filter((arg) => !arg.startsWith("--"));
  if (named.length > 0) return selectedFiles(named);
  const dirs = unitOnly ? [suites.unit] : [suites.unit, suites.integration, suites.e2e];
  return (await Promise.all(dirs.map(testFilesUnder))).flat();
}

function needsCluster(files: readonly string[]): boolean {
  return files.some((file) =>
    [suites.integration, suites.e2e, suites.realNode].some((dir) => file.startsWith(`${dir}/`)),
  );
}

function needsRealNode(files: readonly string[], argv: readonly string[]): boolean {
  return argv.includes("--real-node") || files.some((file) => file.startsWith(`${suites.realNode}/`));
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
  const argv = process.argv.slice(2);
  const files = await testFiles(argv);
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
      const realNode = needsRealNode(files, argv);
      // No kwok node next to the real one: every pod of the real-node tests must really run.
      controlPlane = await startControlPlane(realNode ? { realNode, nodeCount: 0 } : {});
      if (controlPlane.realNode !== undefined) {
        const { name, hostIp, containerdAddress } = controlPlane.realNode;
        const handle: RealNodeHandle = { name, hostIp, containerdAddress, tempDir: controlPlane.tempDir };
        env[realNodeEnv] = JSON.stringify(handle);
        process.stderr.write(`real node ${name} Ready; cluster up in ${controlPlane.startupMs}ms\n`);
      }
      env["MEDIAPLANE_TEST_KUBECONFIG"] = controlPlane.kubeconfigPath;
      // Tests of watch recovery restart the apiserver through this process, which owns it.
      channel = await serveControlChannel(controlPlane);
      env[controlChannelEnv.url] = channel.url;
      env[controlChannelEnv.etcd] = controlPlane.etcdUrl;
    }
  }
  let code: number;
  try {
    code = await runNodeTest(files, env);
  } finally {
    // Silent: the CI reads the runner's closing summary lines, so nothing may follow them.
    await channel?.close();
    await controlPlane?.stop();
  }
  const left = controlPlane?.realNode?.leftovers() ?? [];
  if (left.length > 0) {
    process.stderr.write(`the real node left host state behind:\n  ${left.join("\n  ")}\n`);
    return 1;
  }
  return code;
}

try {
  process.exit(await main());
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
