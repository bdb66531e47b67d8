// One real node per machine: kube-proxy owns the host's KUBE-* iptables chains and kubelet the kubepods
// cgroups, so a second node would fight the first. A lock file holding the owner's PID, waited for.
import { openSync, closeSync, readFileSync, rmSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { RealNodeUnavailableError } from "./prerequisites.js";

export const realNodeLockFile = "/run/mediaplane-real-node.lock";

function holder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tryTake(path: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o644);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const pid = holder(path);
    // A lock whose owner died (SIGKILL, a machine restart) is stale.
    if (pid === undefined || !alive(pid)) rmSync(path, { force: true });
    return false;
  }
}

/** Takes the lock, waiting up to `timeoutMs` for another run's node; returns its release. */
export async function takeRealNodeLock(timeoutMs: number, path = realNodeLockFile): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  while (!tryTake(path)) {
    if (Date.now() >= deadline) {
      throw new RealNodeUnavailableError(
        `another real node (PID ${holder(path) ?? "?"}) runs on this machine; wait for it or stop that run`,
      );
    }
    await sleep(500);
  }
  return () => {
    if (holder(path) === process.pid) rmSync(path, { force: true });
  };
}
