// Builds (once) and finds the Debian root filesystems that carry newer qbittorrent-nox releases than the
// host's: `debootstrap --variant=minbase --include=qbittorrent-nox <suite>` from Debian's mirror, cached.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { debootstrapRootfs, debootstrapUnavailable, lastLine, rootfsCacheDir } from "./debootstrap.js";

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
  const unavailable = debootstrapUnavailable();
  if (unavailable !== undefined) throw new RootfsUnavailableError(suite, unavailable);
  const started = process.hrtime.bigint();
  let building: string;
  try {
    building = await debootstrapRootfs(suite, ["qbittorrent-nox"], suite);
  } catch (error) {
    throw new RootfsUnavailableError(suite, (error as Error).message);
  }
  const builtInSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const packageVersion = packageVersionIn(building);
    const dir = join(rootfsCacheDir(), `${suite}-${packageVersion}`);
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
