// Writes an OCI image archive (oci-layout, index.json, blobs) from directory layers and an image config,
// with no registry and no image builder: `tar` makes each layer, containerd's `ctr images import` reads it.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The runtime part of an image config (the OCI image spec's `config` object). */
export interface ImageRuntimeConfig {
  readonly User?: string;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly WorkingDir?: string;
  readonly ExposedPorts?: Readonly<Record<string, Record<string, never>>>;
  readonly Labels?: Readonly<Record<string, string>>;
}

export interface ImageLayer {
  /** A directory whose contents become the layer's root. */
  readonly dir: string;
  /** Make every file root-owned (for trees staged by this process, not for a debootstrapped root). */
  readonly rootOwned?: boolean;
}

export interface ImageArchiveSpec {
  /** Full reference, e.g. `mediaplane.local/operator:3f2a…`. */
  readonly reference: string;
  readonly layers: readonly ImageLayer[];
  readonly config: ImageRuntimeConfig;
}

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Moves `path` into blobs/sha256/<digest> and describes it. */
async function addBlob(layoutDir: string, path: string, mediaType: string): Promise<Descriptor> {
  const hex = await sha256File(path);
  const size = (await stat(path)).size;
  await rename(path, join(layoutDir, "blobs", "sha256", hex));
  return { mediaType, digest: `sha256:${hex}`, size };
}

async function addJsonBlob(layoutDir: string, value: unknown, mediaType: string): Promise<Descriptor> {
  const path = join(layoutDir, "blobs", "sha256", "incoming.json");
  await writeFile(path, JSON.stringify(value));
  return addBlob(layoutDir, path, mediaType);
}

async function tarLayer(layer: ImageLayer, out: string): Promise<void> {
  const owner = layer.rootOwned === true ? ["--owner=0", "--group=0"] : [];
  // Sorted names and a fixed mtime-free order keep the digest stable for the same tree.
  await execFileAsync("tar", [
    "--create",
    "--file",
    out,
    "--numeric-owner",
    "--sort=name",
    "--xattrs",
    "--exclude=./dev/*",
    "--exclude=./proc/*",
    "--exclude=./sys/*",
    ...owner,
    "-C",
    layer.dir,
    ".",
  ]);
}

/** Writes the archive to `out` (through a temp file next to it, renamed when complete). */
export async function writeImageArchive(spec: ImageArchiveSpec, out: string): Promise<void> {
  await mkdir(dirname(out), { recursive: true });
  const layoutDir = await mkdtemp(`${out}.layout-`);
  try {
    await mkdir(join(layoutDir, "blobs", "sha256"), { recursive: true });
    const layers: Descriptor[] = [];
    for (const [index, layer] of spec.layers.entries()) {
      const tarPath = join(layoutDir, "blobs", "sha256", `layer-${index}.tar`);
      await tarLayer(layer, tarPath);
      layers.push(await addBlob(layoutDir, tarPath, "application/vnd.oci.image.layer.v1.tar"));
    }
    const config = await addJsonBlob(
      layoutDir,
      {
        architecture: "amd64",
        os: "linux",
        config: spec.config,
        // Uncompressed layers: each diff ID is the layer's own digest.
        rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.digest) },
      },
      "application/vnd.oci.image.config.v1+json",
    );
    const manifest = await addJsonBlob(
      layoutDir,
      { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config, layers },
      "application/vnd.oci.image.manifest.v1+json",
    );
    const tag = spec.reference.slice(spec.reference.lastIndexOf(":") + 1);
    const index = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          ...manifest,
          annotations: {
            "io.containerd.image.name": spec.reference,
            "org.opencontainers.image.ref.name": tag,
          },
        },
      ],
    };
    await writeFile(join(layoutDir, "index.json"), JSON.stringify(index));
    await writeFile(join(layoutDir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    const partial = `${out}.partial-${process.pid}`;
    await execFileAsync("tar", [
      "--create",
      "--file",
      partial,
      "-C",
      layoutDir,
      "oci-layout",
      "index.json",
      "blobs",
    ]);
    await rename(partial, out);
  } finally {
    await rm(layoutDir, { recursive: true, force: true });
  }
}
