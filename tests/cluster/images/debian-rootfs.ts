// Debian root filesystems the real node's images are made of (`debootstrap --variant=minbase`, with
// extra packages when an image needs them), built once into the rootfs cache next to qBittorrent's.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { commandExists, debianMirror, isAlive, lastLine, rootfsCacheDir } from "../qbittorrent-rootfs.js";

const execFileAsync = promisify(execFile);

export interface DebianRootfsRecipe {
  /** Cache name, e.g. "base" or "qbittorrent"; the directory is image-<suite>-<name>. */
  readonly name: string;
  readonly suite: string;
  readonly include: readonly string[];
}

/** A rootfs that cannot be built; one line naming the recipe, the cause and the fix. */
export class ImageBuildError extends Error {
  override readonly name = "ImageBuildError";
  constructor(what: string, why: string) {
    super(`image ${what}: ${why}`);
  }
}

export function debianRootfsDir(recipe: DebianRootfsRecipe): string {
  const packages = recipe.include.length === 0 ? "" : `-${recipe.include.join("+")}`;
  return join(rootfsCacheDir(), `image-${recipe.suite}-${recipe.name}${packages}`);
}

/** The cached rootfs of `recipe`, built first when absent (a minute or two from Debian's mirror). */
export async function ensureDebianRootfs(recipe: DebianRootfsRecipe): Promise<string> {
  const dir = debianRootfsDir(recipe);
  if (existsSync(join(dir, "etc", "debian_version"))) return dir;
  const what = `rootfs ${recipe.suite}/${recipe.name}`;
  if (process.getuid?.() !== 0) throw new ImageBuildError(what, "debootstrap needs root");
  if (!commandExists("debootstrap")) {
    throw new ImageBuildError(what, "debootstrap is not installed (apt-get install debootstrap)");
  }
  const cache = rootfsCacheDir();
  mkdirSync(cache, { recursive: true });
  const prefix = `.building-${recipe.suite}-${recipe.name}-`;
  for (const name of readdirSync(cache)) {
    if (name.startsWith(prefix) && !isAlive(Number(name.slice(prefix.length)))) {
      rmSync(join(cache, name), { recursive: true, force: true });
    }
  }
  const building = join(cache, `${prefix}${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  const include = recipe.include.length === 0 ? [] : [`--include=${recipe.include.join(",")}`];
  try {
    // A private mount namespace: debootstrap's /proc and /sys mounts can never outlive it on the host.
    await execFileAsync(
      "unshare",
      [
        "--mount",
        "--propagation",
        "private",
        "debootstrap",
        "--variant=minbase",
        ...include,
        recipe.suite,
        building,
        debianMirror(),
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw new ImageBuildError(what, `debootstrap from ${debianMirror()} failed: ${lastLine(error)}`);
  }
  // Package lists and caches are of no use inside an image.
  for (const sub of ["var/cache/apt/archives", "var/lib/apt/lists", "var/log"]) {
    rmSync(join(building, sub), { recursive: true, force: true });
    mkdirSync(join(building, sub), { recursive: true });
  }
  if (existsSync(dir)) rmSync(building, { recursive: true, force: true });
  else renameSync(building, dir);
  return dir;
}
