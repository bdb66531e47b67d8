// Debian root filesystems the real node's images are made of (`debootstrap --variant=minbase`, with
// extra packages when an image needs them), built once into the rootfs cache next to qBittorrent's.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { debootstrapRootfs, debootstrapUnavailable, rootfsCacheDir } from "../debootstrap.js";

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
  const unavailable = debootstrapUnavailable();
  if (unavailable !== undefined) throw new ImageBuildError(what, unavailable);
  let building: string;
  try {
    building = await debootstrapRootfs(recipe.suite, recipe.include, `${recipe.suite}-${recipe.name}`);
  } catch (error) {
    throw new ImageBuildError(what, (error as Error).message);
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
