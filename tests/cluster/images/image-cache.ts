// Image archives cached by the content hash of what goes into them (~/.cache/mediaplane/images): the
// same inputs give the same reference and archive, so a warm run only imports, never rebuilds.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative } from "node:path";
import { ImageBuildError } from "./debian-rootfs.js";
import { writeImageArchive } from "./oci-archive.js";
import type { ImageLayer, ImageRuntimeConfig } from "./oci-archive.js";

export function imageCacheDir(): string {
  const fromEnv = process.env["MEDIAPLANE_IMAGE_DIR"];
  return fromEnv !== undefined && fromEnv !== ""
    ? fromEnv
    : join(homedir(), ".cache", "mediaplane", "images");
}

/** Registry-less references: containerd and kubelet take them as they are (imagePullPolicy Never). */
export const imageRegistry = "mediaplane.local";

export interface BuiltImage {
  /** e.g. `mediaplane.local/operator:1a2b3c4d5e6f`. */
  readonly reference: string;
  readonly repository: string;
  readonly tag: string;
  readonly archive: string;
  /** Seconds the build took, when this call built it; undefined for a cache hit. */
  readonly builtInSeconds: number | undefined;
}

export interface ImageRecipe {
  /** Repository under mediaplane.local, e.g. "operator". */
  readonly name: string;
  /**
   * What identifies the inputs: a rootfs directory's immutable cache name, a hashTree() of staged files.
   * The tag is the hash of these, the layers' order and the config.
   */
  readonly inputs: readonly string[];
  readonly config: ImageRuntimeConfig;
  /** Produces the layers (called only on a cache miss). */
  layers(): Promise<readonly ImageLayer[]>;
}

/** sha256 over every file's relative path, mode and content (symlinks by target), in name order. */
export function hashTree(root: string): string {
  const hash = createHash("sha256");
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      const info = statSync(path, { throwIfNoEntry: false });
      hash.update(`${relative(root, path)}\0${info?.mode ?? 0}\0`);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) hash.update(readFileSync(path));
    }
  };
  visit(root);
  return hash.digest("hex");
}

export function hashFile(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export function imageTag(recipe: Pick<ImageRecipe, "name" | "inputs" | "config">): string {
  return createHash("sha256")
    .update(JSON.stringify({ name: recipe.name, inputs: recipe.inputs, config: recipe.config }))
    .digest("hex")
    .slice(0, 16);
}

/** The cached archive of `recipe`, built when absent. Throws ImageBuildError with one line on failure. */
export async function ensureImage(recipe: ImageRecipe): Promise<BuiltImage> {
  const tag = imageTag(recipe);
  const repository = `${imageRegistry}/${recipe.name}`;
  const reference = `${repository}:${tag}`;
  const archive = join(imageCacheDir(), `${recipe.name}-${tag}.tar`);
  if (existsSync(archive)) return { reference, repository, tag, archive, builtInSeconds: undefined };
  const started = process.hrtime.bigint();
  try {
    await writeImageArchive({ reference, layers: await recipe.layers(), config: recipe.config }, archive);
  } catch (error) {
    if (error instanceof ImageBuildError) throw error;
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new ImageBuildError(recipe.name, `build failed: ${message}`);
  }
  const builtInSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { reference, repository, tag, archive, builtInSeconds };
}
