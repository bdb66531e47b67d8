// Launches a real qbittorrent-nox on loopback for integration tests (the host's 4.5.2, or 5.x inside a
// Debian rootfs): a private profile in a temp dir, a known WebUI password, no DHT/LSD/PeX/UPnP.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { hashQbittorrentPassword } from "../../operator/clients/qbittorrent/password-hash.js";
import { ComponentProcess } from "./component-process.js";
import { stopOnProcessExit } from "./exit-cleanup.js";
import { freeLoopbackPorts } from "./loopback-ports.js";
import { waitFor } from "./polling.js";
import { qbittorrentVersionIn } from "./qbittorrent-rootfs.js";
import type { QbittorrentTarget } from "./qbittorrent-targets.js";

export interface StartQbittorrentOptions {
  username?: string;
  /** Random when omitted. */
  password?: string;
  /** More qBittorrent.conf entries, section → key → raw value (e.g. { Preferences: { "WebUI\\BanDuration": "60" } }). */
  extraConfig?: Record<string, Record<string, string>>;
  readyTimeoutMs?: number;
  /** Defaults to $QBITTORRENT_NOX or "qbittorrent-nox" on PATH; ignored for a rootfs target. */
  binary?: string;
  /** Which qbittorrent-nox (see testedQbittorrents()); the host's by default. */
  target?: QbittorrentTarget;
  /**
   * Run it the way LinuxServer's image does instead of with a private profile: HOME, XDG_CONFIG_HOME and
   * XDG_DATA_HOME are `configHome`, whose qBittorrent/qBittorrent.conf the caller wrote (nothing is
   * written or merged here), no --profile and no --confirm-legal-notice, so the config alone must accept
   * the legal notice. `root` holds configHome and the save paths; the caller owns and removes it.
   */
  linuxServerLayout?: { root: string; configHome: string };
}

export interface QbittorrentInstance {
  /** http://127.0.0.1:<port> */
  url: string;
  username: string;
  password: string;
  port: number;
  profileDir: string;
  /** The default save path, inside the profile dir. */
  downloadDir: string;
  /** e.g. "4.5.2" */
  version: string;
  /** Where it runs: "host", or the Debian suite whose rootfs it runs in. */
  suite: QbittorrentTarget["suite"];
  /** PID of the running qbittorrent-nox (changes on restart). */
  readonly pid: number | undefined;
  /** qBittorrent's own log (logins, adds, failures), read fresh on each call. */
  qbittorrentLog(): string;
  /** Kills by PID and removes the profile dir. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port and profile: every session cookie becomes invalid. */
  restart(): Promise<void>;
  /** Stops qbittorrent-nox but keeps its profile and port (qBittorrent "down"); see startProcess. */
  stopProcess(): Promise<void>;
  /** Starts it again after stopProcess, on the same port and profile. */
  startProcess(): Promise<void>;
}

/** The installed qbittorrent-nox version, from `--version` ("qBittorrent v4.5.2"). */
export function qbittorrentNoxVersion(binary = defaultBinary()): string {
  const output = execFileSync(binary, ["--version"], { encoding: "utf8" });
  const match = /v(\d+\.\d+\.\d+)/.exec(output);
  if (match === null) throw new Error(`cannot read the version from "${output.trim()}"`);
  return match[1];
}

export async function startQbittorrent(options: StartQbittorrentOptions = {}): Promise<QbittorrentInstance> {
  const target = options.target ?? { suite: "host" };
  if (target.unavailable !== undefined) throw new Error(target.unavailable);
  const rootfs = target.rootfs;
  const binary = options.binary ?? defaultBinary();
  const version = rootfs === undefined ? qbittorrentNoxVersion(binary) : qbittorrentVersionIn(rootfs);
  const username = options.username ?? "mediaplane";
  const password = options.password ?? randomBytes(12).toString("base64url");
  const [port, torrentingPort] = (await freeLoopbackPorts(2)) as [number, number];
  const layout = options.linuxServerLayout;
  const profileDir = layout?.root ?? mkdtempSync(join(tmpdir(), "mediaplane-qbittorrent-"));
  // Inside a rootfs the profile is bind-mounted at the same path, so every path (save paths,
  // content_path) reads the same inside and outside the chroot.
  const mountPoint = rootfs === undefined ? undefined : join(rootfs, profileDir);
  if (mountPoint !== undefined) mkdirSync(mountPoint, { recursive: true });
  const downloadDir = join(profileDir, "downloads");
  mkdirSync(downloadDir, { recursive: true });
  if (layout === undefined) writeTestProfileConfig();
  function writeTestProfileConfig(): void {
    mkdirSync(join(profileDir, "qBittorrent", "config"), { recursive: true });
    writeFileSync(
      join(profileDir, "qBittorrent", "config", "qBittorrent.conf"),
      renderConf(
        mergeSections(
          {
            LegalNotice: { Accepted: "true" },
            BitTorrent: {
              "Session\\DHTEnabled": "false",
              "Session\\LSDEnabled": "false",
              "Session\\PeXEnabled": "false",
              "Session\\Port": String(torrentingPort),
              "Session\\Interface": "lo",
              "Session\\InterfaceName": "lo",
              "Session\\InterfaceAddress": "127.0.0.1",
              "Session\\DefaultSavePath": downloadDir,
              "Session\\TempPath": join(profileDir, "incomplete"),
              // Without queueing every magnet shows its own state (metaDL) instead of queuedDL.
              "Session\\QueueingSystemEnabled": "false",
            },
            Network: { PortForwardingEnabled: "false" },
            Preferences: {
              "WebUI\\Address": "127.0.0.1",
              "WebUI\\Port": String(port),
              "WebUI\\Username": username,
              "WebUI\\Password_PBKDF2": `"${hashQbittorrentPassword(password)}"`,
              "WebUI\\LocalHostAuth": "true",
              "WebUI\\UseUPnP": "false",
              "Connection\\ResolvePeerCountries": "false",
            },
          },
          options.extraConfig ?? {},
        ),
      ),
    );
  }

  const qbtArgs =
    layout === undefined ? [`--profile=${profileDir}`, `--webui-port=${port}`] : [`--webui-port=${port}`];
  // 5.x asks for the legal notice unless told; 4.5 refuses the flag ("Bad command line") and exits.
  if (layout === undefined && Number(version.split(".")[0]) >= 5) qbtArgs.push("--confirm-legal-notice");
  const env =
    layout === undefined
      ? undefined
      : {
          ...process.env,
          HOME: layout.configHome,
          XDG_CONFIG_HOME: layout.configHome,
          XDG_DATA_HOME: layout.configHome,
        };
  const launchCommand = {
    ...(rootfs === undefined ? { binary, args: qbtArgs } : chrootCommand(rootfs, profileDir, qbtArgs)),
    env,
  };
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(profileDir, "qbittorrent-nox.out");
  let child: ComponentProcess | undefined;
  let removed = false;

  const launch = async (): Promise<void> => {
    const started = ComponentProcess.start({ name: "qbittorrent-nox", ...launchCommand, logFile });
    child = started;
    await waitFor(() => loginSucceeds(port, username, password), {
      what: `qbittorrent-nox on ${url} to accept a login`,
      timeoutMs: options.readyTimeoutMs ?? 30_000,
      intervalMs: 100,
      abortIf: () => (started.exited === undefined ? undefined : `${started.exited}\n${started.logTail()}`),
    });
  };

  const removeProfile = (): void => {
    if (removed) return;
    removed = true;
    if (layout === undefined) rmSync(profileDir, { recursive: true, force: true });
    // The bind mount died with qbittorrent-nox's mount namespace: only the empty mount point is left.
    if (mountPoint !== undefined) rmdirSync(mountPoint);
  };

  const unregister = stopOnProcessExit({
    killNow: () => {
      child?.killNow();
      removeProfile();
    },
    stop: async () => {
      await stopGracefully(child);
    },
  });

  const instance: QbittorrentInstance = {
    get pid() {
      return child?.pid;
    },
    url,
    username,
    password,
    port,
    profileDir,
    downloadDir,
    version,
    suite: target.suite,
    qbittorrentLog: () => {
      try {
        const dataDir =
          layout === undefined
            ? join(profileDir, "qBittorrent", "data")
            : join(layout.configHome, "qBittorrent");
        return readFileSync(join(dataDir, "logs", "qbittorrent.log"), "utf8");
      } catch {
        return "";
      }
    },
    stop: async () => {
      await stopGracefully(child);
      removeProfile();
      unregister();
    },
    restart: async () => {
      await stopGracefully(child);
      await launch();
    },
    stopProcess: async () => {
      await stopGracefully(child);
    },
    startProcess: async () => {
      if (child !== undefined && child.exited === undefined) return;
      await launch();
    },
  };

  try {
    await launch();
  } catch (error) {
    await instance.stop();
    throw error;
  }
  return instance;
}

/**
 * SIGTERM (qBittorrent saves its resume data), SIGKILL after 10 s. Unlike ComponentProcess.stop, the
 * grace timer is cancelled once the process is gone, so it never keeps a test process alive.
 */
async function stopGracefully(component: ComponentProcess | undefined): Promise<void> {
  const pid = component?.pid;
  if (component === undefined || pid === undefined || component.exited !== undefined) return;
  process.kill(pid, "SIGTERM");
  const grace = new AbortController();
  const graceOver = sleep(10_000, "grace over", { signal: grace.signal }).catch(() => "cancelled");
  const first = await Promise.race([component.whenExited().then(() => "exited"), graceOver]);
  grace.abort();
  if (first !== "exited") {
    component.killNow();
    await component.whenExited();
  }
}

/**
 * qbittorrent-nox inside `rootfs`, in a private mount namespace that shares the host's network (so it
 * listens on the host's loopback): the profile dir is bind-mounted at its own path, and the mount goes
 * away with the process. unshare, sh and chroot each exec the next, so the PID is qbittorrent-nox's.
 */
function chrootCommand(
  rootfs: string,
  profileDir: string,
  qbtArgs: readonly string[],
): { binary: string; args: string[] } {
  const script =
    'root="$1" profile="$2"; shift 2; mount --bind "$profile" "$root$profile" && exec chroot "$root" qbittorrent-nox "$@"';
  return {
    binary: "unshare",
    args: [
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      script,
      "qbittorrent-in-rootfs",
      rootfs,
      profileDir,
      ...qbtArgs,
    ],
  };
}

function defaultBinary(): string {
  return process.env.QBITTORRENT_NOX ?? "qbittorrent-nox";
}

function mergeSections(
  base: Record<string, Record<string, string>>,
  extra: Record<string, Record<string, string>>,
): Record<string, Record<string, string>> {
  const merged: Record<string, Record<string, string>> = { ...base };
  for (const [section, entries] of Object.entries(extra))
    merged[section] = { ...merged[section], ...entries };
  return merged;
}

function renderConf(sections: Record<string, Record<string, string>>): string {
  return Object.entries(sections)
    .map(([section, entries]) =>
      [`[${section}]`, ...Object.entries(entries).map(([key, value]) => `${key}=${value}`)].join("\n"),
    )
    .join("\n\n")
    .concat("\n");
}

/** One plain login (no Origin/Referer), true on "Ok." (<= 5.1) or 204 (5.2). */
function loginSucceeds(port: number, username: string, password: string): Promise<boolean> {
  const body = new URLSearchParams({ username, password }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/v2/auth/login",
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
        },
        timeout: 2_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () =>
          resolve(res.statusCode === 204 || (res.statusCode === 200 && text.trim() === "Ok.")),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("login probe timed out")));
    req.on("error", reject);
    req.end(body);
  });
}
