// Resolves a DittoServer spec into complete settings with every default applied, so renderers
// never repeat a default; the defaults mirror crds/dittoserver.yaml (a unit test compares them).
import type { DittoServer } from "../../generated/dittoserver.js";
import { dittoServerNames, serverNamespace } from "./names.js";
import { DEFAULT_DITTOFS_IMAGE } from "./versions.js";

/** Defaults of the CRD schema, applied again here for objects the API server has not defaulted. */
export const SPEC_DEFAULTS = {
  image: DEFAULT_DITTOFS_IMAGE,
  replicas: 1,
  nfsPort: 12049,
  serviceType: "ClusterIP",
  serviceNfsPort: 2049,
  serviceSmbPort: 445,
  smbEnabled: false,
  smbPort: 12445,
  metricsEnabled: false,
  metricsPort: 9090,
  s3AccessKeyIdKey: "accessKeyId",
  s3SecretAccessKeyKey: "secretAccessKey",
  s3EndpointKey: "endpoint",
  databaseType: "sqlite",
  postgresHostKey: "host",
  postgresPortKey: "port",
  postgresDatabaseKey: "dbname",
  postgresUserKey: "user",
  postgresPasswordKey: "password",
  postgresSslMode: "require",
  perconaEnabled: false,
  perconaReplicas: 1,
  perconaStorageSize: "10Gi",
  perconaDatabaseName: "dittofs",
  perconaDeleteWithServer: false,
  shareReadOnly: false,
  shareSquash: "root_to_guest",
  shareOwnerUid: 1000,
  shareOwnerGid: 1000,
  shareDefaultPermission: "none",
  shareDeletionPolicy: "Retain",
  serverApiManage: true,
} as const;

/** The share a DittoServer gets when spec.shares is absent (a seed manifest has none). */
export const DEFAULT_SHARE = { name: "export", path: "/export" } as const;

/** The DittoFS REST API port (DittoFS default; health probes and the api Service use it). */
export const API_PORT = 8080;

export type PostgresSslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";

/** Where each PostgreSQL setting comes from: one key per setting in one Secret. */
export interface PostgresSecretKeys {
  secretName: string;
  hostKey: string;
  portKey: string;
  databaseKey: string;
  userKey: string;
  passwordKey: string;
}

/** The control-plane database DittoFS will use, after Percona / secret / type precedence. */
export type DatabaseSettings =
  | { kind: "sqlite" }
  | { kind: "postgres"; source: "percona" | "secret"; secret: PostgresSecretKeys; sslMode: PostgresSslMode };

export interface PerconaSettings {
  clusterName: string;
  replicas: number;
  storageSize: string;
  storageClassName?: string;
  databaseName: string;
  deleteWithServer: boolean;
}

export interface S3Settings {
  secretName: string;
  accessKeyIdKey: string;
  secretAccessKeyKey: string;
  endpointKey: string;
  region?: string;
  bucket?: string;
}

export type SquashMode = "root_to_guest" | "root_to_admin" | "all_to_guest" | "all_to_admin" | "none";

/** One share of spec.shares with its defaults. */
export interface ShareSettings {
  name: string;
  path: string;
  readOnly: boolean;
  squash: SquashMode;
  owner: { uid: number; gid: number };
  defaultPermission: "none" | "read" | "read-write";
  deletionPolicy: "Retain" | "Delete";
}

/** A DittoServer spec with every default applied and every choice made. */
export interface ServerSettings {
  name: string;
  namespace: string;
  image: string;
  replicas: number;
  storage: { metadataSize: string; cacheSize?: string; contentSize?: string; storageClassName?: string };
  nfs: { containerPort: number; servicePort: number };
  smb: { enabled: boolean; containerPort: number; servicePort: number };
  service: { type: "ClusterIP" | "NodePort" | "LoadBalancer"; annotations: Record<string, string> };
  metrics: {
    enabled: boolean;
    port: number;
    /** Present when metrics.serviceMonitor.enabled (the CRD requires metrics.enabled with it). */
    serviceMonitor?: { interval?: string; labels: Record<string, string> };
  };
  s3?: S3Settings;
  /** spec.serverApi.manage: the operator configures stores, shares and adapters through the REST API. */
  manageServer: boolean;
  shares: ShareSettings[];
  database: DatabaseSettings;
  percona?: PerconaSettings;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  securityContext: Record<string, unknown>;
  podSecurityContext: Record<string, unknown>;
}

/** A quantity as Kubernetes objects carry it: always a string. */
export function quantityString(value: number | string): string {
  return typeof value === "number" ? String(value) : value;
}

function quantityMap(map: Record<string, number | string> | undefined): Record<string, string> | undefined {
  if (map === undefined) return undefined;
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, quantityString(value)]));
}

function optionalQuantity(value: number | string | undefined): string | undefined {
  return value === undefined ? undefined : quantityString(value);
}

function resolvePercona(server: DittoServer): PerconaSettings | undefined {
  const percona = server.spec.percona;
  if (!(percona?.enabled ?? SPEC_DEFAULTS.perconaEnabled)) return undefined;
  return {
    clusterName: dittoServerNames.perconaCluster(server),
    replicas: percona?.replicas ?? SPEC_DEFAULTS.perconaReplicas,
    storageSize: quantityString(percona?.storageSize ?? SPEC_DEFAULTS.perconaStorageSize),
    ...(percona?.storageClassName === undefined ? {} : { storageClassName: percona.storageClassName }),
    databaseName: percona?.databaseName ?? SPEC_DEFAULTS.perconaDatabaseName,
    deleteWithServer: percona?.deleteWithServer ?? SPEC_DEFAULTS.perconaDeleteWithServer,
  };
}

/** Percona wins over an explicit Secret, which wins over `type` (the upstream operator's precedence). */
function resolveDatabase(server: DittoServer, percona: PerconaSettings | undefined): DatabaseSettings {
  const database = server.spec.database;
  const sslMode = database?.sslMode ?? SPEC_DEFAULTS.postgresSslMode;
  if (percona !== undefined) {
    return {
      kind: "postgres",
      source: "percona",
      sslMode,
      secret: {
        secretName: dittoServerNames.perconaUserSecret(server),
        hostKey: "host",
        portKey: "port",
        databaseKey: "dbname",
        userKey: "user",
        passwordKey: "password",
      },
    };
  }
  const ref = database?.postgresSecretRef;
  if (ref !== undefined) {
    return {
      kind: "postgres",
      source: "secret",
      sslMode,
      secret: {
        secretName: ref.name,
        hostKey: ref.hostKey ?? SPEC_DEFAULTS.postgresHostKey,
        portKey: ref.portKey ?? SPEC_DEFAULTS.postgresPortKey,
        databaseKey: ref.databaseKey ?? SPEC_DEFAULTS.postgresDatabaseKey,
        userKey: ref.userKey ?? SPEC_DEFAULTS.postgresUserKey,
        passwordKey: ref.passwordKey ?? SPEC_DEFAULTS.postgresPasswordKey,
      },
    };
  }
  return { kind: "sqlite" };
}

function resolveS3(server: DittoServer): S3Settings | undefined {
  const s3 = server.spec.s3;
  if (s3 === undefined) return undefined;
  const ref = s3.credentialsSecretRef;
  return {
    secretName: ref.secretName,
    accessKeyIdKey: ref.accessKeyIdKey ?? SPEC_DEFAULTS.s3AccessKeyIdKey,
    secretAccessKeyKey: ref.secretAccessKeyKey ?? SPEC_DEFAULTS.s3SecretAccessKeyKey,
    endpointKey: ref.endpointKey ?? SPEC_DEFAULTS.s3EndpointKey,
    ...(s3.region === undefined ? {} : { region: s3.region }),
    ...(s3.bucket === undefined ? {} : { bucket: s3.bucket }),
  };
}

/** Every setting of `server`, defaults applied; throws only when metadata has no name/namespace. */
export function resolveServerSettings(server: DittoServer): ServerSettings {
  const spec = server.spec;
  const percona = resolvePercona(server);
  const s3 = resolveS3(server);
  const limits = quantityMap(spec.resources?.limits);
  const requests = quantityMap(spec.resources?.requests);
  const cacheSize = optionalQuantity(spec.storage.cacheSize);
  const contentSize = optionalQuantity(spec.storage.contentSize);
  return {
    name: dittoServerNames.statefulSet(server),
    namespace: serverNamespace(server),
    image: spec.image ?? SPEC_DEFAULTS.image,
    replicas: spec.replicas ?? SPEC_DEFAULTS.replicas,
    storage: {
      metadataSize: quantityString(spec.storage.metadataSize),
      ...(cacheSize === undefined ? {} : { cacheSize }),
      ...(contentSize === undefined ? {} : { contentSize }),
      ...(spec.storage.storageClassName === undefined
        ? {}
        : { storageClassName: spec.storage.storageClassName }),
    },
    nfs: {
      containerPort: spec.nfsPort ?? SPEC_DEFAULTS.nfsPort,
      servicePort: spec.service?.nfsPort ?? SPEC_DEFAULTS.serviceNfsPort,
    },
    smb: {
      enabled: spec.smb?.enabled ?? SPEC_DEFAULTS.smbEnabled,
      containerPort: spec.smb?.port ?? SPEC_DEFAULTS.smbPort,
      servicePort: spec.service?.smbPort ?? SPEC_DEFAULTS.serviceSmbPort,
    },
    service: {
      type: spec.service?.type ?? SPEC_DEFAULTS.serviceType,
      annotations: spec.service?.annotations ?? {},
    },
    metrics: {
      enabled: spec.metrics?.enabled ?? SPEC_DEFAULTS.metricsEnabled,
      port: spec.metrics?.port ?? SPEC_DEFAULTS.metricsPort,
      ...resolveServiceMonitor(spec.metrics),
    },
    ...(s3 === undefined ? {} : { s3 }),
    manageServer: spec.serverApi?.manage ?? SPEC_DEFAULTS.serverApiManage,
    shares: resolveShares(server),
    database: resolveDatabase(server, percona),
    ...(percona === undefined ? {} : { percona }),
    ...(limits === undefined && requests === undefined
      ? {}
      : {
          resources: {
            ...(limits === undefined ? {} : { limits }),
            ...(requests === undefined ? {} : { requests }),
          },
        }),
    securityContext: spec.securityContext ?? {},
    podSecurityContext: spec.podSecurityContext ?? {},
  };
}

function resolveShares(server: DittoServer): ShareSettings[] {
  const shares = server.spec.shares ?? [DEFAULT_SHARE];
  return shares.map((share) => {
    const given = share as NonNullable<DittoServer["spec"]["shares"]>[number];
    return {
      name: given.name,
      path: given.path,
      readOnly: given.readOnly ?? SPEC_DEFAULTS.shareReadOnly,
      squash: given.squash ?? SPEC_DEFAULTS.shareSquash,
      owner: {
        uid: given.owner?.uid ?? SPEC_DEFAULTS.shareOwnerUid,
        gid: given.owner?.gid ?? SPEC_DEFAULTS.shareOwnerGid,
      },
      defaultPermission: given.defaultPermission ?? SPEC_DEFAULTS.shareDefaultPermission,
      deletionPolicy: given.deletionPolicy ?? SPEC_DEFAULTS.shareDeletionPolicy,
    };
  });
}

/** The ServiceMonitor settings, only when it is asked for together with metrics. */
function resolveServiceMonitor(
  metrics: DittoServer["spec"]["metrics"],
): Pick<ServerSettings["metrics"], "serviceMonitor"> {
  const monitor = metrics?.serviceMonitor;
  if (metrics?.enabled !== true || monitor?.enabled !== true) return {};
  return {
    serviceMonitor: {
      ...(monitor.interval === undefined ? {} : { interval: monitor.interval }),
      labels: monitor.labels ?? {},
    },
  };
}
