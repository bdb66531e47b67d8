// The operator as the benchmarks run it: compiled once with tsc, started as its own `node` process
// (as the image runs it), its memory and CPU read from /proc for that PID, not the benchmark's.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let compiledMain: string | undefined;

/** Compiles operator/ to a temporary directory (once per benchmark run) and returns main.js there. */
export function compiledOperator(): string {
  if (compiledMain !== undefined) return compiledMain;
  const outDir = mkdtempSync(join(tmpdir(), "mediaplane-bench-dist-"));
  execFileSync(
    join(repoRoot, "node_modules", ".bin", "tsc"),
    ["-p", "tsconfig.build.json", "--outDir", outDir],
    {
      cwd: repoRoot,
      stdio: "inherit",
    },
  );
  // As in the image: ES modules beside the installed packages.
  writeFileSync(join(outDir, "package.json"), JSON.stringify({ type: "module" }));
  symlinkSync(join(repoRoot, "node_modules"), join(outDir, "node_modules"));
  compiledMain = join(outDir, "operator", "main.js");
  return compiledMain;
}

/** The flags between `node` and the script in the Dockerfile's (last) ENTRYPOINT. */
export function imageNodeFlags(): string[] {
  const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
  const entrypoints = [...dockerfile.matchAll(/^ENTRYPOINT\s+(\[.*\])\s*$/gm)];
  const entrypoint = JSON.parse(entrypoints.at(-1)?.[1] ?? "[]") as string[];
  return entrypoint.slice(1, -1);
}

export interface ProcessSample {
  /** Resident set size now, MiB. */
  rssMiB: number;
  /** The resident high-water mark since the process started, MiB. */
  peakRssMiB: number;
  /** User plus system CPU time since the process started, seconds. */
  cpuSeconds: number;
}

const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** Memory and CPU of `pid` from /proc/<pid>/status and /proc/<pid>/stat. */
export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  // Fields after the command name, which is in parentheses and may hold spaces: utime is 14th, stime 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    rssMiB: Math.round((kib("VmRSS") / 1024) * 10) / 10,
    peakRssMiB: Math.round((kib("VmHWM") / 1024) * 10) / 10,
    cpuSeconds: ticks / clockTicks,
  };
}

export interface BenchOperator {
  readonly pid: number;
  sample(): ProcessSample;
  stop(): Promise<void>;
}

/** Starts the compiled operator with `env` (plus KUBECONFIG) and waits for "operator started". */
export async function startBenchOperator(
  kubeconfigPath: string,
  env: Record<string, string>,
): Promise<BenchOperator> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(MEDIAPLANE_|QBITTORRENT_|POD_)/.test(key)),
  );
  // BENCH_HEAP_SNAPSHOT=1: SIGUSR2 writes a heap snapshot into the working directory (see docs/benchmarks.md).
  const flags = [
    // The image's own V8 flags (the Dockerfile's ENTRYPOINT), so the numbers are the image's.
    ...imageNodeFlags(),
    ...(process.env.BENCH_HEAP_SNAPSHOT === "1" ? ["--heapsnapshot-signal=SIGUSR2"] : []),
    // BENCH_NODE_FLAGS: V8 flags to compare (e.g. "--max-semi-space-size=4"; later flags win).
    ...(process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean),
  ];
  const child: ChildProcess = spawn(process.execPath, [...flags, compiledOperator()], {
    cwd: process.env.BENCH_HEAP_SNAPSHOT === "1" ? tmpdir() : repoRoot,
    env: {
      ...inherited,
      KUBECONFIG: kubeconfigPath,
      MEDIAPLANE_LEADER_ELECTION: "false",
      MEDIAPLANE_PROBE_HOST: "127.0.0.1",
      MEDIAPLANE_PROBE_PORT: "0",
      MEDIAPLANE_LOG_FORMAT: "json",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  let started = false;
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString("utf8");
      output.push(text);
      if (output.length > 200) output.shift();
      if (!started && text.includes('"operator started"')) {
        started = true;
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      if (!started)
        reject(new Error(`the operator exited (${String(code)}) before it started:\n${output.join("")}`));
    });
  });
  await ready;
  const pid = child.pid ?? 0;
  return {
    pid,
    sample: () => sampleProcess(pid),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
