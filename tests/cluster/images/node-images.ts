// The images the real node runs, built offline from Debian root filesystems and local files: the pause
// (sandbox) image, a Debian base, the operator (the Dockerfile's layout), qBittorrent and DittoFS.
import { execFile } from "node:child_process";
import { chmod, copyFile, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ensureQbittorrentRootfs } from "../qbittorrent-rootfs.js";
import { ensureDebianRootfs, ImageBuildError } from "./debian-rootfs.js";
import { ensureImage, hashFile, hashTree, imageCacheDir } from "./image-cache.js";
import type { BuiltImage } from "./image-cache.js";
import type { ImageRuntimeConfig } from "./oci-archive.js";

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const systemPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export const baseRootfs = { name: "base", suite: "bookworm", include: [] } as const;

/** A fresh staging directory for one layer; removed by the caller's `cleanup`. */
async function stagingDir(name: string): Promise<string> {
  await mkdir(imageCacheDir(), { recursive: true });
  return mkdtemp(join(imageCacheDir(), `.stage-${name}-`));
}

/** Debian bookworm, minbase: the shell and coreutils every init container script needs. */
export async function debianBaseImage(): Promise<BuiltImage> {
  const rootfs = await ensureDebianRootfs(baseRootfs);
  return ensureImage({
    name: "debian",
    inputs: [rootfs],
    config: { Env: [systemPath], Cmd: ["/bin/bash"] },
    layers: () => Promise.resolve([{ dir: rootfs }]),
  });
}

/** The sandbox image containerd starts every pod with: our static pause binary alone (go/pause). */
export async function pauseImage(pauseBinary: string): Promise<BuiltImage> {
  let stage: string | undefined;
  try {
    return await ensureImage({
      name: "pause",
      inputs: [`pause ${hashFile(pauseBinary)}`],
      config: { Entrypoint: ["/pause"] },
      layers: async () => {
        stage = await stagingDir("pause");
        await copyFile(pauseBinary, join(stage, "pause"));
        await chmod(join(stage, "pause"), 0o755);
        return [{ dir: stage, rootOwned: true }];
      },
    });
  } finally {
    if (stage !== undefined) await rm(stage, { recursive: true, force: true });
  }
}

/** What the Dockerfile's final stage declares; the image-layout test compares it with the Dockerfile. */
export const operatorImageConfig: ImageRuntimeConfig = {
  User: "65532:65532",
  Env: [systemPath, "NODE_ENV=production"],
  WorkingDir: "/app",
  ExposedPorts: { "8080/tcp": {} },
  Entrypoint: ["node", "--max-semi-space-size=1", "--optimize-for-size", "dist/operator/main.js"],
  Labels: {
    "org.opencontainers.image.title": "mediaplane",
    "org.opencontainers.image.description":
      "Kubernetes operator for Torrent, MediaStack and DittoServer resources",
    "org.opencontainers.image.version": "0.1.0",
    "org.opencontainers.image.licenses": "Apache-2.0",
  },
};

/** `npm ci --omit=dev` for the lock file, cached by its hash (the Dockerfile's production-dependencies stage). */
async function productionNodeModules(): Promise<string> {
  const key = hashFile(join(repoRoot, "package-lock.json")).slice(0, 16);
  const dir = join(imageCacheDir(), `operator-deps-${key}`);
  if (existsSync(join(dir, "node_modules"))) return dir;
  const building = await stagingDir("deps");
  try {
    await copyFile(join(repoRoot, "package.json"), join(building, "package.json"));
    await copyFile(join(repoRoot, "package-lock.json"), join(building, "package-lock.json"));
    await execFileAsync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts"], {
      cwd: building,
      maxBuffer: 16 * 1024 * 1024,
    });
    await rm(dir, { recursive: true, force: true });
    await cp(building, dir, { recursive: true, verbatimSymlinks: true });
    return dir;
  } catch (error) {
    throw new ImageBuildError("operator", `npm ci --omit=dev failed: ${String(error).split("\n")[0]}`);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

/** The operator compiled the way the Dockerfile's build stage does (`npm run build`), into `out`. */
async function compileOperator(out: string): Promise<void> {
  try {
    await execFileAsync(
      process.execPath,
      [
        join(repoRoot, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        "tsconfig.build.json",
        "--outDir",
        out,
      ],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? "";
    throw new ImageBuildError("operator", `tsc failed: ${stdout.split("\n")[0] ?? String(error)}`);
  }
}

/**
 * The operator image with the Dockerfile's layout: Node 20 (this host's own `node`, Debian's glibc),
 * /app/package.json, production node_modules and dist/, non-root, the Dockerfile's `node <V8 flags> dist/operator/main.js`.
 */
export async function operatorImage(): Promise<BuiltImage> {
  const rootfs = await ensureDebianRootfs(baseRootfs);
  const deps = await productionNodeModules();
  const sourceHash = hashTree(join(repoRoot, "operator"));
  const inputs = [
    rootfs,
    `node ${hashFile(process.execPath)}`,
    `deps ${deps}`,
    `operator ${sourceHash}`,
    `tsconfig ${hashFile(join(repoRoot, "tsconfig.json"))} ${hashFile(join(repoRoot, "tsconfig.build.json"))}`,
    `package.json ${hashFile(join(repoRoot, "package.json"))}`,
  ];
  let stage: string | undefined;
  try {
    return await ensureImage({
      name: "operator",
      inputs,
      config: operatorImageConfig,
      layers: async () => {
        stage = await stagingDir("operator");
        await mkdir(join(stage, "usr", "local", "bin"), { recursive: true });
        await copyFile(process.execPath, join(stage, "usr", "local", "bin", "node"));
        await chmod(join(stage, "usr", "local", "bin", "node"), 0o755);
        await mkdir(join(stage, "app"));
        await copyFile(join(repoRoot, "package.json"), join(stage, "app", "package.json"));
        await cp(join(deps, "node_modules"), join(stage, "app", "node_modules"), {
          recursive: true,
          verbatimSymlinks: true,
        });
        await compileOperator(join(stage, "app", "dist"));
        return [{ dir: rootfs }, { dir: stage, rootOwned: true }];
      },
    });
  } finally {
    if (stage !== undefined) await rm(stage, { recursive: true, force: true });
  }
}

/** The LinuxServer contract the MediaStack renders for: PUID/PGID, /config as HOME and XDG dirs, WEBUI_PORT. */
export const qbittorrentEntrypoint = `#!/bin/sh
# LinuxServer-style start: root creates /config for PUID:PGID, then qbittorrent-nox runs as them.
set -eu
puid="\${PUID:-911}"
pgid="\${PGID:-911}"
mkdir -p /config/qBittorrent /config/.cache
chown "$puid:$pgid" /config /config/qBittorrent /config/.cache
export HOME=/config XDG_CONFIG_HOME=/config XDG_DATA_HOME=/config XDG_CACHE_HOME=/config/.cache
exec setpriv --reuid="$puid" --regid="$pgid" --clear-groups \\
  qbittorrent-nox --webui-port="\${WEBUI_PORT:-8080}"
`;

/** qBittorrent from Debian (trixie's qbittorrent-nox 5.1, the rootfs the integration tests run) plus /init. */
export async function qbittorrentImage(): Promise<BuiltImage> {
  const rootfs = await ensureQbittorrentRootfs("trixie");
  let stage: string | undefined;
  try {
    return await ensureImage({
      name: "qbittorrent",
      inputs: [rootfs.dir, `init ${qbittorrentEntrypoint}`],
      config: {
        Env: [
          systemPath,
          "HOME=/config",
          "XDG_CONFIG_HOME=/config",
          "XDG_DATA_HOME=/config",
          "WEBUI_PORT=8080",
        ],
        ExposedPorts: { "8080/tcp": {} },
        Entrypoint: ["/init"],
      },
      layers: async () => {
        stage = await stagingDir("qbittorrent");
        await writeFile(join(stage, "init"), qbittorrentEntrypoint, { mode: 0o755 });
        await mkdir(join(stage, "config"));
        return [{ dir: rootfs.dir }, { dir: stage, rootOwned: true }];
      },
    });
  } finally {
    if (stage !== undefined) await rm(stage, { recursive: true, force: true });
  }
}

/** DittoFS from the Go-built `dfs` at /app/dfs, as the DittoServer's StatefulSet runs it, as 65532. */
export async function dittofsImage(dfsBinary: string): Promise<BuiltImage> {
  const rootfs = await ensureDebianRootfs(baseRootfs);
  let stage: string | undefined;
  try {
    return await ensureImage({
      name: "dittofs",
      inputs: [rootfs, `dfs ${hashFile(dfsBinary)}`],
      config: { Env: [systemPath], User: "65532:65532", Entrypoint: ["/app/dfs"], WorkingDir: "/app" },
      layers: async () => {
        stage = await stagingDir("dittofs");
        await mkdir(join(stage, "app"));
        await copyFile(dfsBinary, join(stage, "app", "dfs"));
        await chmod(join(stage, "app", "dfs"), 0o755);
        return [{ dir: rootfs }, { dir: stage, rootOwned: true }];
      },
    });
  } finally {
    if (stage !== undefined) await rm(stage, { recursive: true, force: true });
  }
}
