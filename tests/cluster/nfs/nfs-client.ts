// A real NFSv3 client for the tests, without a kernel mount (this kernel has no NFS): Debian's
// libnfs-utils (nfs-cp, nfs-ls) and nfs-link.c, built here against libnfs for hardlinks and inodes.
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { waitFor } from "../polling.js";

const run = promisify(execFile);
const source = fileURLToPath(new URL("./nfs-link.c", import.meta.url));

export interface NfsTarget {
  host: string;
  /** The port DittoFS's NFS adapter listens on; it serves MOUNT on the same port. */
  port: number;
  /** The export, e.g. /export. */
  exportPath: string;
  /** AUTH_SYS identity the client sends. */
  uid: number;
  gid: number;
}

export interface NfsInode {
  path: string;
  inode: string;
  links: number;
  uid: number;
  size: number;
}

/** Which of the client's tools are missing, as a skip reason; undefined when all are there. */
export function missingNfsClient(): string | undefined {
  for (const [file, pkg] of [
    ["/usr/bin/nfs-cp", "libnfs-utils"],
    ["/usr/include/nfsc/libnfs.h", "libnfs-dev"],
  ] as const) {
    try {
      accessSync(file, constants.R_OK);
    } catch {
      return `${file} is missing: apt-get install ${pkg} (.ci/run installs it)`;
    }
  }
  return undefined;
}

/** nfs://host/export/path?... in libnfs's URL form: NFSv3, MOUNT on the NFS port, our identity. */
export function nfsUrl(target: NfsTarget, path = ""): string {
  const query = `nfsport=${target.port}&mountport=${target.port}&version=3&uid=${target.uid}&gid=${target.gid}`;
  return `nfs://${target.host}${target.exportPath}${path}?${query}`;
}

let built: Promise<string> | undefined;

/** nfs-link, compiled once per source change into the harness's cache. */
function nfsLinkBinary(): Promise<string> {
  built ??= (async () => {
    const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "mediaplane", "bin");
    await mkdir(dir, { recursive: true });
    const { mtimeMs } = await stat(source);
    const binary = join(dir, `nfs-link-${Math.floor(mtimeMs)}`);
    try {
      accessSync(binary, constants.X_OK);
      return binary;
    } catch {
      const partial = `${binary}.${process.pid}.partial`;
      await run("cc", ["-O1", "-Wall", "-o", partial, source, "-lnfs"]);
      await rename(partial, binary);
      return binary;
    }
  })();
  return built;
}

export async function nfsCopyIn(target: NfsTarget, localFile: string, path: string): Promise<void> {
  await run("nfs-cp", [localFile, nfsUrl(target, path)]);
}

export async function nfsCopyOut(target: NfsTarget, path: string, localFile: string): Promise<void> {
  await run("nfs-cp", [nfsUrl(target, path), localFile]);
}

/** The names in a directory of the export, as nfs-ls lists them. */
export async function nfsList(target: NfsTarget, path = ""): Promise<string[]> {
  const { stdout } = await run("nfs-ls", [nfsUrl(target, path)]);
  return stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/).at(-1) ?? "")
    .filter((name) => name !== "" && name !== "." && name !== "..");
}

/** Waits until the export answers a listing (an adapter moved to a new port restarts its listener). */
export async function waitForExport(target: NfsTarget): Promise<void> {
  await waitFor(() => nfsList(target).then(() => true), {
    what: `NFS export ${target.exportPath} on port ${target.port}`,
    timeoutMs: 30_000,
  });
}

export async function nfsLink(target: NfsTarget, existing: string, link: string): Promise<void> {
  await run(await nfsLinkBinary(), [nfsUrl(target), "link", existing, link]);
}

export async function nfsStat(target: NfsTarget, ...paths: string[]): Promise<NfsInode[]> {
  const { stdout } = await run(await nfsLinkBinary(), [nfsUrl(target), "stat", ...paths]);
  return stdout
    .trim()
    .split("\n")
    .map((line) => {
      const [path = "", ...fields] = line.split(" ");
      const value = (key: string): string =>
        fields.find((f) => f.startsWith(`${key}=`))?.slice(key.length + 1) ?? "";
      return {
        path,
        inode: value("ino"),
        links: Number(value("nlink")),
        uid: Number(value("uid")),
        size: Number(value("size")),
      };
    });
}
