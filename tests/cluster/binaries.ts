// Where the cluster binaries built by tests/cluster/build.sh live (~/.cache/mediaplane/bin or
// $MEDIAPLANE_BIN_DIR), named <name>-<version> after the pins in versions.ts; it only stats files.
import { createHash } from "node:crypto";
import { accessSync, constants, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { homedir } from "node:os";
import { join } from "node:path";
import { clusterVersions, sourcePinnedTag } from "./versions.js";

/** Absolute paths of every binary the test cluster and the tests run. */
export interface ClusterBinaries {
  readonly etcd: string;
  readonly kwok: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kubectl: string;
  readonly helm: string;
}

/** The directory build.sh writes into. */
export function clusterBinDir(): string {
  const fromEnv = process.env["MEDIAPLANE_BIN_DIR"];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : join(homedir(), ".cache", "mediaplane", "bin");
}

/** Paths of the pinned binaries in `binDir`, without checking that they exist. */
export function clusterBinaryPaths(binDir: string = clusterBinDir()): ClusterBinaries {
  const v = clusterVersions();
  const at = (name: string, version: string): string => join(binDir, `${name}-${version}`);
  return {
    etcd: at("etcd", v.etcd),
    kwok: at("kwok", v.kwok),
    kubeApiserver: at("kube-apiserver", v.kubernetes),
    kubeControllerManager: at("kube-controller-manager", v.kubernetes),
    kubeScheduler: at("kube-scheduler", v.kubernetes),
    kubectl: at("kubectl", v.kubernetes),
    helm: at("helm", v.helm),
  };
}

/**
 * Path of the pinned DittoFS server binary (`dfs-<version>`), without checking that it exists. It is
 * kept out of ClusterBinaries: the cluster never runs it, only the real-server config test does.
 */
export function dfsBinaryPath(binDir: string = clusterBinDir()): string {
  return join(binDir, `dfs-${clusterVersions().dittofs}`);
}

/**
 * Path of the pinned versitygw S3 server binary (`versitygw-<version>`), without checking that it
 * exists. Like dfs it is kept out of ClusterBinaries: only tests that need an S3 endpoint run it.
 */
export function versitygwBinaryPath(binDir: string = clusterBinDir()): string {
  return join(binDir, `versitygw-${clusterVersions().versitygw}`);
}

/** The opt-in real node's own binaries (`build.sh --real-node`). */
export interface RealNodeBinaries {
  readonly kubelet: string;
  readonly kubeProxy: string;
  readonly coredns: string;
  /** The sandbox process (go/pause), named by its source's hash as build.sh does. */
  readonly pause: string;
}

function pauseVersion(): string {
  const source = readFileSync(fileURLToPath(new URL("./go/pause/main.go", import.meta.url)));
  return createHash("sha256").update(source).digest("hex").slice(0, 12);
}

export function realNodeBinaryPaths(binDir: string = clusterBinDir()): RealNodeBinaries {
  const v = clusterVersions();
  return {
    kubelet: join(binDir, `kubelet-${v.kubernetes}`),
    kubeProxy: join(binDir, `kube-proxy-${v.kubernetes}`),
    coredns: join(binDir, `coredns-${v.coredns}`),
    pause: join(binDir, `pause-${pauseVersion()}`),
  };
}

function missingExecutables(paths: Readonly<Record<string, string>>): string[] {
  return Object.values(paths).filter((path) => {
    try {
      accessSync(path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** Paths of the pinned binaries; throws naming every missing one and the command that builds them. */
export function requireClusterBinaries(binDir: string = clusterBinDir()): ClusterBinaries {
  const paths = clusterBinaryPaths(binDir);
  const missing = missingExecutables({ ...paths });
  if (missing.length > 0) {
    throw new Error(
      `test cluster binaries missing (build them with \`npm run cluster:build\`):\n  ${missing.join("\n  ")}`,
    );
  }
  return paths;
}

/** The real node's binaries; throws one line naming the missing ones and the command that builds them. */
export function requireRealNodeBinaries(binDir: string = clusterBinDir()): RealNodeBinaries {
  const paths = realNodeBinaryPaths(binDir);
  const missing = missingExecutables({ ...paths });
  if (missing.length > 0) {
    throw new Error(
      `real node binaries missing: ${missing.join(", ")} (build them with \`bash tests/cluster/build.sh --real-node\`)`,
    );
  }
  return paths;
}

/** The monitoring exporters `build.sh --real-node` builds from their source pins (go/<name>/source.pin). */
export interface ExporterBinaries {
  readonly exportarr: string;
  readonly qbittorrentExporter: string;
}

/** Why the exporters' binaries are not there (one line), or undefined when both are built. */
export function exporterBinariesMissing(binDir: string = clusterBinDir()): string | undefined {
  try {
    requireExporterBinaries(binDir);
    return undefined;
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}; their sources could not be fetched when build.sh ran (see its "skipped" line)`;
  }
}

/** The exporters' binaries; throws one line naming the missing ones and the command that builds them. */
export function requireExporterBinaries(binDir: string = clusterBinDir()): ExporterBinaries {
  const paths = {
    exportarr: join(binDir, `exportarr-${sourcePinnedTag("exportarr")}`),
    qbittorrentExporter: join(binDir, `qbittorrent-exporter-${sourcePinnedTag("qbittorrent-exporter")}`),
  };
  const missing = missingExecutables(paths);
  if (missing.length > 0) {
    throw new Error(
      `exporter binaries missing: ${missing.join(", ")} (build them with \`bash tests/cluster/build.sh --real-node\`)`,
    );
  }
  return paths;
}
