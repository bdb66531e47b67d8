// Launches the real transmission-daemon (Debian bookworm's 3.00) on loopback for integration tests: a
// private config dir, RPC authentication with a random password, no DHT/LPD/uTP/port mapping.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { TransmissionClient } from "../../operator/clients/transmission/client.js";
import { ComponentProcess } from "./component-process.js";
import { stopOnProcessExit } from "./exit-cleanup.js";
import { freeLoopbackPorts } from "./loopback-ports.js";
import { waitFor } from "./polling.js";

export interface TransmissionInstance {
  /** http://127.0.0.1:<port> (the RPC is at /transmission/rpc) */
  readonly url: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** The download-dir it was started with, inside its config dir. */
  readonly downloadDir: string;
  /** e.g. "3.00" */
  readonly version: string;
  stop(): Promise<void>;
}

function defaultBinary(): string {
  return process.env.TRANSMISSION_DAEMON ?? "transmission-daemon";
}

/** "3.00" from `transmission-daemon -V`, which 3.00 prints on stderr ("transmission-daemon 3.00 (bb6b5a062e)"). */
export function transmissionDaemonVersion(binary = defaultBinary()): string {
  const run = spawnSync(binary, ["-V"], { encoding: "utf8" });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  const match = /(\d+\.\d+)/.exec(output);
  if (match === null) throw new Error(`cannot read the version from "${output.trim()}"`);
  return match[1];
}

export async function startTransmission(
  options: { username?: string; password?: string } = {},
): Promise<TransmissionInstance> {
  const binary = defaultBinary();
  const version = transmissionDaemonVersion(binary);
  const username = options.username ?? "mediaplane";
  const password = options.password ?? randomBytes(12).toString("base64url");
  const [port, peerPort] = (await freeLoopbackPorts(2)) as [number, number];
  const configDir = mkdtempSync(join(tmpdir(), "mediaplane-transmission-"));
  const downloadDir = join(configDir, "downloads");
  mkdirSync(downloadDir, { recursive: true });
  const child = ComponentProcess.start({
    name: "transmission-daemon",
    binary,
    args: [
      "--foreground",
      `--config-dir=${configDir}`,
      `--port=${port}`,
      "--rpc-bind-address=127.0.0.1",
      "--allowed=127.0.0.1",
      "--auth",
      `--username=${username}`,
      `--password=${password}`,
      `--download-dir=${downloadDir}`,
      "--no-incomplete-dir",
      `--peerport=${peerPort}`,
      "--no-dht",
      "--no-lpd",
      "--no-utp",
      "--no-portmap",
      "--log-error",
    ],
    logFile: join(configDir, "transmission-daemon.out"),
  });
  const url = `http://127.0.0.1:${port}`;
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    rmSync(configDir, { recursive: true, force: true });
  };
  const stop = async (): Promise<void> => {
    if (child.exited === undefined && child.pid !== undefined) {
      process.kill(child.pid, "SIGTERM");
      // The grace timer is cancelled once the daemon is gone, so it never keeps a test process alive.
      const grace = new AbortController();
      const graceOver = sleep(10_000, false, { signal: grace.signal }).catch(() => false);
      const gone = await Promise.race([child.whenExited().then(() => true), graceOver]);
      grace.abort();
      if (!gone) {
        child.killNow();
        await child.whenExited();
      }
    }
    remove();
  };
  const unregister = stopOnProcessExit({
    killNow: () => {
      child.killNow();
      remove();
    },
    stop,
  });
  const client = new TransmissionClient({ url, username, password, timeoutMs: 2_000 });
  try {
    await waitFor(() => client.sessionGet().then(() => true), {
      what: `transmission-daemon on ${url} to answer session-get`,
      timeoutMs: 30_000,
      intervalMs: 100,
      abortIf: () => (child.exited === undefined ? undefined : `${child.exited}\n${child.logTail()}`),
    });
  } catch (error) {
    await stop();
    unregister();
    throw error;
  }
  return {
    url,
    port,
    username,
    password,
    downloadDir,
    version,
    stop: async () => {
      await stop();
      unregister();
    },
  };
}
