// Builds (once) and finds the Debian root filesystems that carry newer qbittorrent-nox releases than the
// host's: `debootstrap --variant=minbase --include=qbittorrent-nox <suite>` from Debian's mirror, cached.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Debian suites whose qbittorrent-nox the tests run in a chroot (trixie: 5.1.x, sid: 5.3.x late 2026). */
export type RootfsSuite = "trixie" | "sid";

export interface QbittorrentRootfs {
  readonly suite: RootfsSuite;
  /** The root directory, e.g. ~/.cache/mediaplane/rootfs/sid-5.3.0-1. */
  readonly dir: string;
  /** Debian's package version, e.g. "5.3.0-1" (the cache key next to the suite). */
  readonly packageVersion: string;
  /** What the binary itself reports, e.g. "5.3.0". */
  readonly qbittorrentVersion: string;
  /** Seconds debootstrap took, when this call built it; undefined for a cache hit. */
  readonly builtInSeconds: number | undefined;
}

/** A rootfs that cannot be had; the message is one line naming the suite and the cause. */
export class RootfsUnavailableError extends Error {
  override readonly name = "RootfsUnavailableError";
  constructor(
    readonly suite: RootfsSuite,
    why: string,
  ) {
    super(`cannot build the ${suite} rootfs for qbittorrent-nox: ${why}`);
  }
}

/** Where the root filesystems are kept: $MEDIAPLANE_ROOTFS_DIR or ~/.cache/mediaplane/rootfs. */
export function rootfsCacheDir(): string {
  const fromEnv = process.env["MEDIAPLANE_ROOTFS_DIR"];
  return fromEnv !== undefined && fromEnv !== ""
    ? fromEnv
    : join(homedir(), ".cache", "mediaplane", "rootfs");
}

export function debianMirror(): string {
  return process.env["MEDIAPLANE_DEBIAN_MIRROR"] || "http://deb.debian.org/debian";
}

/** The version qbittorrent-nox prints ("qBittorrent v5.3.0"), run inside `dir`. */
export function qbittorrentVersionIn(dir: string): string {
  const output = execFileSync("chroot", [dir, "qbittorrent-nox", "--version"], { encoding: "utf8" });
  const match = /v(\d+\.\d+\.\d+)/.exec(output);
  if (match === null) throw new Error(`cannot read the version from "${output.trim()}"`);
  return match[1];
}

function packageVersionIn(dir: string): string {
  return execFileSync("chroot", [dir, "dpkg-query", "-W", "-f", "${Version}", "qbittorrent-nox"], {
    encoding: "utf8",
  }).trim();
}

/** A finished rootfs of `suite` in the cache (the newest package version), or undefined. No network. */
export function cachedQbittorrentRootfs(suite: RootfsSuite): QbittorrentRootfs | undefined {
  const cache = rootfsCacheDir();
  if (!existsSync(cache)) return undefined;
  const dirs = readdirSync(cache)
    .filter((name) => name.startsWith(`${suite}-`))
    .sort()
    .reverse();
  for (const name of dirs) {
    const dir = join(cache, name);
    try {
      return {
        suite,
        dir,
        packageVersion: name.slice(suite.length + 1),
        qbittorrentVersion: qbittorrentVersionIn(dir),
        builtInSeconds: undefined,
      };
    } catch {
      // A rootfs whose binary no longer runs is skipped; the next build replaces it.
    }
  }
  return undefined;
}

/**
 * The cached rootfs of `suite`, built first when there is none (about 40 s from Debian's mirror, more on
 * a busy machine). Throws RootfsUnavailableError with the reason: not root, no debootstrap, no mirror.
 */
export async function ensureQbittorrentRootfs(suite: RootfsSuite): Promise<QbittorrentRootfs> {
  const cached = cachedQbittorrentRootfs(suite);
  if (cached !== undefined) return cached;
  if (process.getuid?.() !== 0) throw new RootfsUnavailableError(suite, "debootstrap and chroot need root");
  if (!commandExists("debootstrap")) {
    throw new RootfsUnavailableError(suite, "debootstrap is not installed (apt-get install debootstrap)");
  }
  const cache = rootfsCacheDir();
  mkdirSync(cache, { recursive: true });
  removeAbandonedBuilds(cache, suite);
  const building = join(cache, `.building-${suite}-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  try {
    // In a private mount namespace: the /proc and /sys that debootstrap mounts inside the target can
    // never outlive it on the host, even when it is killed half-way.
    await execFileAsync(
      "unshare",
      [
        "--mount",
        "--propagation",
        "private",
        "debootstrap",
        "--variant=minbase",
        "--include=qbittorrent-nox",
        suite,
        building,
        debianMirror(),
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw new RootfsUnavailableError(suite, `debootstrap from ${debianMirror()} failed: ${lastLine(error)}`);
  }
  const builtInSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const packageVersion = packageVersionIn(building);
    const dir = join(cache, `${suite}-${packageVersion}`);
    if (existsSync(dir)) rmSync(building, { recursive: true, force: true });
    else renameSync(building, dir);
    return { suite, dir, packageVersion, qbittorrentVersion: qbittorrentVersionIn(dir), builtInSeconds };
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw new RootfsUnavailableError(
      suite,
      `the new rootfs does not run qbittorrent-nox: ${lastLine(error)}`,
    );
  }
}

export function commandExists(command: string): boolean {
  try {
    execFileSync("/bin/sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Half-built trees of builders that died (their PID is gone). */
function removeAbandonedBuilds(cache: string, suite: RootfsSuite): void {
  for (const name of readdirSync(cache)) {
    const match = new RegExp(`^\\.building-${suite}-(\\d+)$`).exec(name);
    if (match === null || isAlive(Number(match[1]))) continue;
    rmSync(join(cache, name), { recursive: true, force: true });
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** debootstrap's last "E: ..." line (it writes them to stdout), else the last line it wrote, else the message. */
export function lastLine(error: unknown): string {
  const { stdout, stderr } = error as { stdout?: unknown; stderr?: unknown };
  const text = [stdout, stderr].filter((part): part is string => typeof part === "string").join("\n");
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const fallback = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  return lines.filter((line) => line.startsWith("E:")).at(-1) ?? lines.at(-1) ?? fallback;
}
