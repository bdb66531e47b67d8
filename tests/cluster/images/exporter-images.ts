// The monitoring sidecars' test images, built offline like the DittoFS one: the Debian base root plus the
// exporter binary build.sh compiled from its pinned tag, laid out and started as the published image is.
import { chmod, copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { ensureDebianRootfs } from "./debian-rootfs.js";
import { ensureImage, hashFile, imageCacheDir } from "./image-cache.js";
import type { BuiltImage } from "./image-cache.js";
import { baseRootfs } from "./node-images.js";
import type { ImageRuntimeConfig } from "./oci-archive.js";

const systemPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * exportarr's Dockerfile (v2.3.0): distroless `nonroot`, ENV PORT=9707, /exportarr, ENTRYPOINT
 * `/tini -- /exportarr`, so the pod's args (the app's name) follow /exportarr. tini only reaps as PID 1;
 * the test image leaves it out and runs /exportarr itself.
 */
export const exportarrImageConfig: ImageRuntimeConfig = {
  User: "65532:65532",
  Env: [systemPath, "PORT=9707"],
  Entrypoint: ["/exportarr"],
};

/** qbittorrent-exporter's Dockerfile (v2.0.1): alpine, WORKDIR /go/bin, CMD the binary, no USER. */
export const qbittorrentExporterImageConfig: ImageRuntimeConfig = {
  Env: [systemPath],
  WorkingDir: "/go/bin",
  Cmd: ["/go/bin/qbittorrent-exporter"],
};

async function binaryImage(
  name: string,
  binary: string,
  pathInImage: string,
  config: ImageRuntimeConfig,
): Promise<BuiltImage> {
  const rootfs = await ensureDebianRootfs(baseRootfs);
  let stage: string | undefined;
  try {
    return await ensureImage({
      name,
      inputs: [rootfs, `${pathInImage} ${hashFile(binary)}`],
      config,
      layers: async () => {
        await mkdir(imageCacheDir(), { recursive: true });
        stage = await mkdtemp(join(imageCacheDir(), `.stage-${name}-`));
        const target = join(stage, pathInImage);
        await mkdir(join(target, ".."), { recursive: true });
        await copyFile(binary, target);
        await chmod(target, 0o755);
        return [{ dir: rootfs }, { dir: stage, rootOwned: true }];
      },
    });
  } finally {
    if (stage !== undefined) await rm(stage, { recursive: true, force: true });
  }
}

/** `mediaplane.local/exportarr:<hash>` from the exportarr binary. */
export function exportarrImage(binary: string): Promise<BuiltImage> {
  return binaryImage("exportarr", binary, "exportarr", exportarrImageConfig);
}

/** `mediaplane.local/qbittorrent-exporter:<hash>` from the qbittorrent-exporter binary. */
export function qbittorrentExporterImage(binary: string): Promise<BuiltImage> {
  return binaryImage(
    "qbittorrent-exporter",
    binary,
    "go/bin/qbittorrent-exporter",
    qbittorrentExporterImageConfig,
  );
}
