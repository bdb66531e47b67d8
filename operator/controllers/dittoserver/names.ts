// Every Kubernetes object name and label a DittoServer produces, built in one place so a test
// can list them and the renderers, the reconcile and the status never spell a name twice.
import type { DittoServer } from "../../generated/dittoserver.js";

/** The PostgreSQL user the Percona cluster creates for DittoFS. */
export const PERCONA_USER_NAME = "dittofs";

/** The StatefulSet's volume claim templates, also the mount names under /data. */
export type DataVolume = "metadata" | "cache" | "content";

type Named = Pick<DittoServer, "metadata">;

function serverName(server: Named): string {
  const name = server.metadata.name;
  if (name === undefined || name === "") throw new Error("DittoServer has no metadata.name");
  return name;
}

/** Every object name one DittoServer renders or reads. */
export const dittoServerNames = {
  /** ConfigMap holding config.yaml. */
  configMap: (server: Named): string => `${serverName(server)}-config`,
  /** The StatefulSet runs the server under the DittoServer's own name. */
  statefulSet: (server: Named): string => serverName(server),
  /** Headless Service that governs the StatefulSet (stable pod DNS). */
  headlessService: (server: Named): string => `${serverName(server)}-headless`,
  /** NFS (and SMB) Service. */
  fileService: (server: Named): string => `${serverName(server)}-file`,
  /** REST API Service. */
  apiService: (server: Named): string => `${serverName(server)}-api`,
  /** Prometheus metrics Service (only when metrics are enabled). */
  metricsService: (server: Named): string => `${serverName(server)}-metrics`,
  /** prometheus-operator ServiceMonitor of the metrics Service (metrics.serviceMonitor.enabled). */
  serviceMonitor: (server: Named): string => serverName(server),
  /** Secret the operator generates once: the API's JWT signing key and the first admin password. */
  controlPlaneSecret: (server: Named): string => `${serverName(server)}-controlplane`,
  /** PerconaPGCluster created when percona.enabled. */
  perconaCluster: (server: Named): string => `${serverName(server)}-postgres`,
  /** The user Secret the Percona operator writes for PERCONA_USER_NAME (host, port, dbname, user, password). */
  perconaUserSecret: (server: Named): string => `${serverName(server)}-postgres-pguser-${PERCONA_USER_NAME}`,
  /** The PVC a volume claim template produces for pod `ordinal` (Kubernetes' own naming). */
  persistentVolumeClaim: (server: Named, volume: DataVolume, ordinal = 0): string =>
    `${volume}-${serverName(server)}-${ordinal}`,
};

/** Value of app.kubernetes.io/component on each kind of child. */
export type DittoServerComponent =
  "server" | "config" | "file" | "api" | "metrics" | "database" | "credentials";

/** Labels that select the server's pods; fixed at creation (a StatefulSet selector is immutable). */
export function selectorLabels(server: Named): Record<string, string> {
  return {
    "app.kubernetes.io/name": "dittofs",
    "app.kubernetes.io/instance": serverName(server),
  };
}

/** Labels every child carries: who it belongs to, what it is, and who manages it. */
export function commonLabels(server: Named, component: DittoServerComponent): Record<string, string> {
  return {
    ...selectorLabels(server),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/managed-by": "mediaplane",
  };
}

/** Namespace of the server; every child lives next to it. */
export function serverNamespace(server: Named): string {
  const namespace = server.metadata.namespace;
  if (namespace === undefined || namespace === "") throw new Error("DittoServer has no metadata.namespace");
  return namespace;
}

const MAX_DATABASE_NAME = 63;
const METADATA_SUFFIX = "_metadata";

/**
 * The metadata store's own database, next to the control-plane one: both DittoFS schemas create a
 * `shares` table in `public` (pkg/metadata/store/postgres/migrations/000001_initial_schema.up.sql and
 * pkg/controlplane/models/share.go TableName), and the store's config has no schema key.
 */
export function metadataDatabaseName(databaseName: string): string {
  return `${databaseName.slice(0, MAX_DATABASE_NAME - METADATA_SUFFIX.length)}${METADATA_SUFFIX}`;
}
