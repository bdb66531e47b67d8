// Renders ConfigMap <name>-config with the DittoFS config.yaml: only static settings, in the shape
// of DittoFS v0.29.0's pkg/config.Config; secrets reach DittoFS through env vars, never through here.
import type { V1ConfigMap } from "@kubernetes/client-node";
import { stringify } from "yaml";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { commonLabels, dittoServerNames } from "../names.js";
import {
  CONFIG_FILE_NAME,
  DATA_MOUNT_PATHS,
  METRICS_PATH,
  SHUTDOWN_TIMEOUT_SECONDS,
  SQLITE_DATABASE_PATH,
} from "../pod-layout.js";
import { API_PORT, resolveServerSettings } from "../settings.js";
import type { ServerSettings } from "../settings.js";
import { DITTOFS_VERSION } from "../versions.js";

/**
 * The config.yaml document. Keys and nesting follow DittoFS v0.29.0 (`pkg/config/config.go`
 * `Config`, `pkg/controlplane/store` `Config`, `pkg/controlplane/api` `APIConfig`,
 * `pkg/config/metrics.go` `MetricsConfig`); the header says what this release no longer reads here.
 */
export function renderConfigYaml(settings: ServerSettings): string {
  const database =
    settings.database.kind === "sqlite"
      ? { type: "sqlite", sqlite: { path: SQLITE_DATABASE_PATH } }
      : { type: "postgres", postgres: { sslmode: settings.database.sslMode } };
  const document = {
    logging: { level: "INFO", format: "json", output: "stdout" },
    shutdown_timeout: `${SHUTDOWN_TIMEOUT_SECONDS}s`,
    database,
    // 0.0.0.0: the API Service and the kubelet's probes reach the pod from outside its loopback.
    controlplane: { host: "0.0.0.0", port: API_PORT },
    metrics: settings.metrics.enabled
      ? { enabled: true, host: "0.0.0.0", port: settings.metrics.port, path: METRICS_PATH }
      : { enabled: false },
  };
  return [...configHeader(settings), stringify(document, { lineWidth: 0 })].join("\n");
}

function configHeader(settings: ServerSettings): string[] {
  const content = settings.s3
    ? `s3 bucket ${settings.s3.bucket ?? "(not set)"}, region ${settings.s3.region ?? "(not set)"}; keys from env`
    : `filesystem at ${DATA_MOUNT_PATHS.content}`;
  const databaseNote =
    settings.database.kind === "sqlite"
      ? []
      : [
          "# PostgreSQL host, port, database, user and password come from DITTOFS_DATABASE_POSTGRES_* env vars.",
        ];
  return [
    `# DittoFS ${DITTOFS_VERSION} configuration for DittoServer ${settings.namespace}/${settings.name}.`,
    "# Rendered by mediaplane: edit the DittoServer, not this ConfigMap.",
    "# This release reads only static settings from this file; stores, shares and protocol adapters",
    "# live in the control-plane database and are managed through the REST API. Intended layout:",
    `#   metadata store: badger under ${DATA_MOUNT_PATHS.metadata}`,
    `#   local block cache: ${DATA_MOUNT_PATHS.cache}`,
    `#   content: ${content}`,
    `#   nfs adapter: port ${settings.nfs.containerPort}` +
      (settings.smb.enabled ? `; smb adapter: port ${settings.smb.containerPort}` : ""),
    "# The API's JWT secret and the first admin password come from env vars (DITTOFS_CONTROLPLANE_SECRET,",
    "# DITTOFS_ADMIN_INITIAL_PASSWORD) out of the <name>-controlplane Secret.",
    ...databaseNote,
    "",
  ];
}

/** ConfigMap `<name>-config` holding config.yaml. */
export function renderConfigMap(server: DittoServer): V1ConfigMap {
  const settings = resolveServerSettings(server);
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: dittoServerNames.configMap(server),
      namespace: settings.namespace,
      labels: commonLabels(server, "config"),
    },
    data: { [CONFIG_FILE_NAME]: renderConfigYaml(settings) },
  };
}
