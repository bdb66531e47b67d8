// One running cluster component (etcd, kube-apiserver, ...) as a child process whose output goes to
// a log file; knows how to stop it by PID (SIGTERM, then SIGKILL) and how to show its log's tail.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface ComponentSpawn {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
}

export class ComponentProcess {
  private exitDescription: string | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(
    readonly name: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.exitPromise = new Promise((resolve) => {
      child.once("error", (error) => {
        this.exitDescription ??= `failed to start: ${error.message}`;
        resolve();
      });
      child.once("exit", (code, signal) => {
        this.exitDescription = signal !== null ? `killed by ${signal}` : `exited with code ${code ?? "?"}`;
        resolve();
      });
    });
  }

  /** Starts the binary with stdout and stderr appended to `logFile`. */
  static start(spec: ComponentSpawn): ComponentProcess {
    const logFd = openSync(spec.logFile, "a");
    try {
      const child = spawn(spec.binary, spec.args, {
        stdio: ["ignore", logFd, logFd],
        env: spec.env ?? process.env,
      });
      return new ComponentProcess(spec.name, spec.logFile, child);
    } finally {
      closeSync(logFd);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why the process is gone, or undefined while it runs. */
  get exited(): string | undefined {
    return this.exitDescription;
  }

  /** The last `lines` lines of the component's log. */
  logTail(lines = 30): string {
    try {
      const text = readFileSync(this.logFile, "utf8").trimEnd();
      return text.split("\n").slice(-lines).join("\n");
    } catch (error) {
      return `(cannot read ${this.logFile}: ${String(error)})`;
    }
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once it is gone. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exitDescription !== undefined || this.child.pid === undefined) return;
    this.child.kill("SIGTERM");
    // An unref'd timer: a process that exits at once must not keep the test run alive for graceMs.
    const stopped = await Promise.race([
      this.exitPromise.then(() => true),
      sleep(graceMs, false, { ref: false }),
    ]);
    if (!stopped) {
      this.child.kill("SIGKILL");
      await this.exitPromise;
    }
  }

  /** Synchronous SIGKILL, for process-exit handlers that cannot wait. */
  killNow(): void {
    if (this.exitDescription === undefined && this.child.pid !== undefined) this.child.kill("SIGKILL");
  }

  /** Resolves when the process has exited. */
  async whenExited(): Promise<void> {
    await this.exitPromise;
  }
}
