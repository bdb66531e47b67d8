// The one way the test harness builds a Debian root filesystem (qBittorrent 5.x roots, the real node's
// images): debootstrap minbase in a private mount namespace into a per-process build directory.
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export function rootfsCacheDir(): string {
  const fromEnv = process.env["MEDIAPLANE_ROOTFS_DIR"];
  return fromEnv !== undefined && fromEnv !== ""
    ? fromEnv
    : join(homedir(), ".cache", "mediaplane", "rootfs");
}

export function debianMirror(): string {
  return process.env["MEDIAPLANE_DEBIAN_MIRROR"] || "http://deb.debian.org/debian";
}

export function commandExists(command: string): boolean {
  try {
    execFileSync("/bin/sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
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

/** Why a root cannot be built here (not root, no debootstrap), or undefined when it can. */
export function debootstrapUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "debootstrap and chroot need root";
  if (!commandExists("debootstrap")) return "debootstrap is not installed (apt-get install debootstrap)";
  return undefined;
}

/**
 * Bootstraps `suite` with `include` into a fresh `.building-<buildName>-<pid>` under the cache and
 * returns that directory, for the caller to check and rename into place. Half-built trees of
 * builders that died are removed first. Throws one line naming the mirror and debootstrap's error.
 */
export async function debootstrapRootfs(
  suite: string,
  include: readonly string[],
  buildName: string,
): Promise<string> {
  const cache = rootfsCacheDir();
  mkdirSync(cache, { recursive: true });
  const prefix = `.building-${buildName}-`;
  for (const name of readdirSync(cache)) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
    if (Number.isInteger(pid) && !isAlive(pid)) rmSync(join(cache, name), { recursive: true, force: true });
  }
  const building = join(cache, `${prefix}${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  const packages = include.length === 0 ? [] : [`--include=${include.join(",")}`];
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
        ...packages,
        suite,
        building,
        debianMirror(),
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(`debootstrap from ${debianMirror()} failed: ${lastLine(error)}`, { cause: error });
  }
  return building;
}
