// The test image the real node runs as Sonarr, Radarr, Prowlarr and Jellyfin: the tests' app fakes
// compiled by tsc, started by tests/fakes/serve-fake.js on this host's Node 20 over Debian's glibc.
import { execFile } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ensureDebianRootfs, ImageBuildError } from "./debian-rootfs.js";
import { ensureImage, hashFile, hashTree, imageCacheDir } from "./image-cache.js";
import type { BuiltImage } from "./image-cache.js";
import { baseRootfs } from "./node-images.js";
import type { ImageRuntimeConfig } from "./oci-archive.js";

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export const arrFakesImageConfig: ImageRuntimeConfig = {
  Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_ENV=production"],
  WorkingDir: "/app",
  Entrypoint: ["node", "tests/fakes/serve-fake.js"],
};

/** tests/fakes/serve-fake.ts and what it imports, as ES modules under `out/app`. */
async function compileFakes(out: string): Promise<void> {
  try {
    await execFileAsync(
      process.execPath,
      [
        join(repoRoot, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        "tests/fakes/tsconfig.serve-fake.json",
        "--outDir",
        join(out, "app"),
      ],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? "";
    throw new ImageBuildError("arr-fakes", `tsc failed: ${stdout.split("\n")[0] ?? String(error)}`);
  }
  await writeFile(join(out, "app", "package.json"), JSON.stringify({ type: "module" }));
  await mkdir(join(out, "usr", "local", "bin"), { recursive: true });
  await copyFile(process.execPath, join(out, "usr", "local", "bin", "node"));
  await chmod(join(out, "usr", "local", "bin", "node"), 0o755);
}

/**
 * `mediaplane.local/arr-fakes:<hash>`: the fakes are compiled first and the tag is the hash of the
 * compiled tree, so the image changes exactly when what runs in it does.
 */
export async function arrFakesImage(): Promise<BuiltImage> {
  const rootfs = await ensureDebianRootfs(baseRootfs);
  await mkdir(imageCacheDir(), { recursive: true });
  const stage = await mkdtemp(join(imageCacheDir(), ".stage-arr-fakes-"));
  try {
    await compileFakes(stage);
    return await ensureImage({
      name: "arr-fakes",
      inputs: [rootfs, `node ${hashFile(process.execPath)}`, `app ${hashTree(join(stage, "app"))}`],
      config: arrFakesImageConfig,
      layers: () => Promise.resolve([{ dir: rootfs }, { dir: stage, rootOwned: true }]),
    });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
