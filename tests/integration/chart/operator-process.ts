// Runs the operator as users run it, `node operator/main.ts` (through tsx) with a KUBECONFIG and the
// chart's environment, as a child process whose log lines the chart test reads; stopped by SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { repoRoot } from "../../support/helm.js";
import { waitFor } from "../support/cluster.js";

export interface OperatorProcess {
  /** Every line written so far to stdout and stderr. */
  readonly lines: readonly string[];
  /** JSON log entries (MEDIAPLANE_LOG_FORMAT=json) among the lines. */
  entries(): Array<Record<string, unknown>>;
  /** Waits for a log entry whose message is `message`; fails early if the process exits. */
  waitForMessage(message: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The exit code once the process has exited on its own, else undefined. */
  exited(): number | null | undefined;
  /** SIGKILL at once: a crash, no graceful stop. */
  kill(): void;
  /** SIGTERM, then the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts the operator with `env` on top of the parent's environment minus any operator settings. */
export function startOperatorProcess(kubeconfigPath: string, env: Record<string, string>): OperatorProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(MEDIAPLANE_(?!TEST_)|QBITTORRENT_|POD_)/.test(key)),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "operator", "main.ts")],
    {
      cwd: repoRoot,
      env: { ...inherited, KUBECONFIG: kubeconfigPath, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: string[] = [];
  let exitCode: number | null | undefined;
  const exited = once(child, "exit").then(([code]) => {
    exitCode = code as number | null;
    return exitCode;
  });
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream?.on("data", (chunk: Buffer) => {
      const text = partial + chunk.toString("utf8");
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts.filter((line) => line !== ""));
    });
  }
  const entries = (): Array<Record<string, unknown>> =>
    lines.flatMap((line): Array<Record<string, unknown>> => {
      try {
        const parsed: unknown = JSON.parse(line);
        return typeof parsed === "object" && parsed !== null ? [{ ...parsed }] : [];
      } catch {
        return [];
      }
    });
  return {
    lines,
    entries,
    waitForMessage: (message, timeoutMs = 30_000) =>
      waitFor(() => entries().find((entry) => entry["message"] === message), {
        what: `operator log "${message}"`,
        timeoutMs,
        abortIf: () =>
          exitCode === undefined
            ? undefined
            : `the operator exited (${String(exitCode)}):\n${lines.join("\n")}`,
      }),
    exited: () => exitCode,
    kill: () => {
      if (exitCode === undefined) child.kill("SIGKILL");
    },
    stop: async (graceMs = 30_000) => {
      if (exitCode !== undefined) return exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
