// Where things live inside a DittoFS pod: mount paths, file names and port names shared by the
// ConfigMap (which points DittoFS at them) and the StatefulSet (which mounts and exposes them).
import type { DataVolume } from "./names.js";

/** The ConfigMap is mounted here; DittoFS starts with --config CONFIG_FILE_PATH. */
export const CONFIG_MOUNT_PATH = "/config";
export const CONFIG_FILE_NAME = "config.yaml";
export const CONFIG_FILE_PATH = `${CONFIG_MOUNT_PATH}/${CONFIG_FILE_NAME}`;

/** Data volumes, at the paths the DittoFS image prepares (its Dockerfile's VOLUME lines). */
export const DATA_MOUNT_PATHS: Readonly<Record<DataVolume, string>> = {
  metadata: "/data/metadata",
  cache: "/data/cache",
  content: "/data/content",
};

/** The control-plane SQLite database, on the metadata volume so it survives pod restarts. */
export const SQLITE_DATABASE_PATH = `${DATA_MOUNT_PATHS.metadata}/controlplane.db`;

/** Writable scratch space; the root filesystem is read-only. */
export const TMP_MOUNT_PATH = "/tmp";

/** Named container ports; Services target them by name. */
export const PORT_NAMES = { nfs: "nfs", smb: "smb", api: "api", metrics: "metrics" } as const;

/** Health endpoints of the DittoFS REST API (unauthenticated). */
export const LIVENESS_PATH = "/health";
export const READINESS_PATH = "/health/ready";
export const METRICS_PATH = "/metrics";

/** Seconds DittoFS waits for each shutdown stage (config `shutdown_timeout`). */
export const SHUTDOWN_TIMEOUT_SECONDS = 30;
