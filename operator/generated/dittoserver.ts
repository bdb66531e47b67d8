// Generated from crds/dittoserver.yaml by tools/crd-types.ts (npm run gen:types).
// Do not edit: change the CRD and regenerate, so the schema stays the one source of truth.
import type { V1ObjectMeta } from "@kubernetes/client-node";

export const DittoServerResource = {
  group: "dittofs.dittofs.com",
  version: "v1alpha1",
  plural: "dittoservers",
  kind: "DittoServer",
  namespaced: true,
} as const;

export type DittoServerPasswordSecretRef = {
  /** Name of the Secret. */
  name: string;
  /** Key within the Secret. */
  key?: string;
  /** Whether the Secret or key may be missing. */
  optional?: boolean;
};

/** Desired state of the DittoFS server. */
export type DittoServerSpec = {
  /** Container image of the DittoFS server. The default is the DittoFS release whose config.yaml shape the operator renders; pin another tag only if it reads the same configuration. */
  image?: string;
  /** Number of DittoFS pods. DittoFS is a single-node server, so only 0 (stopped, volumes kept) and 1 are allowed. */
  replicas?: number;
  /** Persistent volumes of the server, created as the StatefulSet's volume claim templates. They cannot change after creation (a StatefulSet's volumeClaimTemplates are immutable) and are never deleted by the operator. */
  storage: {
    /** Size of the metadata volume, mounted at /data/metadata. It holds the control-plane SQLite database and the BadgerDB metadata stores. A Kubernetes quantity such as 10Gi. */
    metadataSize: number | string;
    /** Size of the cache volume, mounted at /data/cache (local block store and its write-ahead log). When unset the cache lives in an emptyDir and is lost when the pod is rescheduled. */
    cacheSize?: number | string;
    /** Size of the content volume, mounted at /data/content (file contents stored on local disk). Leave unset when contents go to S3: /data/content is then an emptyDir. */
    contentSize?: number | string;
    /** StorageClass of the server's volumes. When unset the cluster's default StorageClass is used. */
    storageClassName?: string;
  };
  /** Port the DittoFS NFS adapter listens on inside the pod (DittoFS default 12049, a non-privileged port). The file Service publishes it as service.nfsPort. */
  nfsPort?: number;
  /** Shares the operator creates on the server through the DittoFS REST API, each with its own export path. Absent means one share "export" at /export owned by UID/GID 1000, so a manifest without this field still gives a usable server; an empty list means none. A share the server has and this list does not is reported, never deleted, unless it was created with deletionPolicy Delete. Setting serverApi.manage false leaves shares to you. */
  shares?: Array<{
    /** Name of the share in this DittoServer (a MediaStack picks a share by it). */
    name: string;
    /** Export path of the share, one level below the root, e.g. /export. NFS clients mount <name>-file:<path>. */
    path: string;
    /** Export the share read-only. */
    readOnly?: boolean;
    /** NFS identity mapping: root_to_guest (root squashed, DittoFS default), root_to_admin (no_root_squash), all_to_guest (all_squash), all_to_admin, none. */
    squash?: "root_to_guest" | "root_to_admin" | "all_to_guest" | "all_to_admin" | "none";
    /** Unix identity that owns the share's root directory and may read and write it over NFS (a MediaStack's PUID/PGID). The operator creates a DittoFS user mediaplane-uid-<uid> with this UID/GID and grants it read-write. */
    owner?: {
      /** UID of the owner (PUID of the apps that write the share). */
      uid?: number;
      /** GID of the owner (PGID of the apps that write the share). */
      gid?: number;
    };
    /** What other UIDs (no DittoFS user, or root squashed to guest) may do: none, read or read-write. */
    defaultPermission?: "none" | "read" | "read-write";
    /** What happens to the share on the server when it is removed from this list: Retain (default) keeps it and its files and reports it; Delete deletes the share on the server (its files with it). Deleting the DittoServer never deletes shares or volumes. */
    deletionPolicy?: "Retain" | "Delete";
  }>;
  /** How the operator configures the running server through the DittoFS REST API (the <name>-api Service, as admin with the password of <name>-controlplane). */
  serverApi?: {
    /** true (default): the operator creates the metadata and block stores, the shares of spec.shares and the NFS/SMB adapters on their ports, repairs drift on every resync, and Ready waits for ServerConfigured. false: it runs the server only and leaves stores, shares and adapters to you (dfsctl), like the upstream operator. */
    manage?: boolean;
  };
  /** The file Service <name>-file that publishes NFS (and SMB when enabled). */
  service?: {
    /** Service type of <name>-file. LoadBalancer or NodePort make the share reachable from outside the cluster. */
    type?: "ClusterIP" | "NodePort" | "LoadBalancer";
    /** Annotations for <name>-file, for example a cloud load balancer's settings. */
    annotations?: Record<string, string>;
    /** Port the file Service publishes for NFS (standard 2049). */
    nfsPort?: number;
    /** Port the file Service publishes for SMB when smb.enabled (standard 445). */
    smbPort?: number;
  };
  /** The SMB protocol adapter. */
  smb?: {
    /** Publish SMB on the file Service and the container. */
    enabled?: boolean;
    /** Port the DittoFS SMB adapter listens on inside the pod (DittoFS default 12445, a non-privileged port). The file Service publishes it as service.smbPort. */
    port?: number;
  };
  /** The Prometheus metrics endpoint of DittoFS. */
  metrics?: {
    /** Serve /metrics and create the <name>-metrics Service. */
    enabled?: boolean;
    /** Port of the metrics endpoint, in the container and on the Service. */
    port?: number;
    /** A prometheus-operator ServiceMonitor `<name>` for the <name>-metrics Service (as the upstream DittoFS operator renders it). Rendered only while the monitoring.coreos.com ServiceMonitor CRD is installed; without it the ServiceMonitorReady condition says so and nothing else is affected. The Service also carries prometheus.io/scrape, port and path annotations for annotation-based discovery. */
    serviceMonitor?: {
      /** Create the ServiceMonitor (needs metrics.enabled). */
      enabled?: boolean;
      /** Scrape interval, e.g. 30s; absent leaves Prometheus' own default. */
      interval?: string;
      /** Extra labels on the ServiceMonitor, e.g. the one your Prometheus selects ServiceMonitors by (release: prometheus). */
      labels?: Record<string, string>;
    };
  };
  /** S3 content store settings. The credentials are injected into the server as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_ENDPOINT_URL by secretKeyRef; they are never copied into this resource, the ConfigMap or the status. */
  s3?: {
    /** The Secret, in this namespace, that holds the S3 credentials. */
    credentialsSecretRef: {
      /** Name of the Secret. */
      secretName: string;
      /** Key of the access key ID in the Secret. */
      accessKeyIdKey?: string;
      /** Key of the secret access key in the Secret. */
      secretAccessKeyKey?: string;
      /** Key of the S3 endpoint URL (with scheme, e.g. https://s3.example.com) in the Secret. The key may be absent for AWS S3 itself. */
      endpointKey?: string;
    };
    /** S3 region, injected as AWS_REGION (e.g. eu-west-1). */
    region?: string;
    /** Bucket that holds file contents. */
    bucket?: string;
  };
  /** The DittoFS control-plane database (users, groups, shares, stores). SQLite on the metadata volume by default; PostgreSQL when percona.enabled or database.postgresSecretRef is set (either wins over type). */
  database?: {
    /** sqlite or postgres. postgres needs postgresSecretRef or percona.enabled. */
    type?: "sqlite" | "postgres";
    /** An existing PostgreSQL: the Secret, in this namespace, with its connection settings, one per key. The defaults match the user Secrets of the Percona and Crunchy operators. The values reach the server as DITTOFS_DATABASE_POSTGRES_* environment variables, never through the ConfigMap. */
    postgresSecretRef?: {
      /** Name of the Secret. */
      name: string;
      /** Key of the host name. */
      hostKey?: string;
      /** Key of the port. */
      portKey?: string;
      /** Key of the database name. */
      databaseKey?: string;
      /** Key of the user name. */
      userKey?: string;
      /** Key of the password. */
      passwordKey?: string;
    };
    /** libpq sslmode for PostgreSQL. Percona clusters accept only TLS connections, so the default is require. */
    sslMode?: "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";
  };
  /** A PostgreSQL cluster (PerconaPGCluster <name>-postgres) created for this server and kept in sync with these fields. Needs the Percona Operator for PostgreSQL v2. */
  percona?: {
    /** Create the PostgreSQL cluster and use it as the control-plane database. */
    enabled?: boolean;
    /** Number of PostgreSQL instances. */
    replicas?: number;
    /** Size of each PostgreSQL data volume (a Kubernetes quantity). It can grow if the StorageClass allows expansion. */
    storageSize?: number | string;
    /** StorageClass of the PostgreSQL volumes; the cluster default when unset. */
    storageClassName?: string;
    /** Database created for DittoFS. */
    databaseName?: string;
    /** Delete the PostgreSQL cluster, and all its data, when this DittoServer is deleted. When false the cluster is left running and can be reused. */
    deleteWithServer?: boolean;
  };
  /** The DittoFS REST API, as the upstream DittoFS operator's controlPlane field sets it. mediaplane serves it over HTTP on port 8080 inside the cluster (Service <name>-api and the health probes use it), so port 8080 and tls false are accepted and anything else is refused with a message. */
  controlPlane?: {
    /** Port of the REST API; must be 8080 (see above). */
    port?: number;
    /** Serve and reach the REST API over HTTPS upstream; must be false here. */
    tls?: boolean;
    /** Upstream's TLS server certificate Secret; refused here (see above). */
    certSecretName?: string;
    /** Upstream's mutual-TLS client CA Secret; refused here (see above). */
    clientCASecretName?: string;
  };
  /** Authentication of the DittoFS REST API, as the upstream DittoFS operator's identity field sets it. mediaplane keeps the API's JWT signing key and the first admin password (user admin) in Secret <name>-controlplane, keys jwt-secret and admin-password: it generates them when the Secret is absent and never overwrites it, so create that Secret before the DittoServer to choose them. type memory and admin.username admin are accepted; fields that point elsewhere are refused with a message. */
  identity?: {
    /** Identity store; memory, the only value upstream allows. */
    type?: "memory";
    /** The first admin user of the REST API. */
    admin?: {
      /** Must be admin (see above). */
      username?: string;
      /** Upstream's admin password Secret key; refused here (see above). */
      passwordSecretRef?: DittoServerPasswordSecretRef;
    };
    /** Upstream's JWT settings; refused here (see above). */
    jwt?: {
      /** Upstream's JWT signing key Secret key. */
      secretRef?: DittoServerPasswordSecretRef;
      /** Upstream's access token lifetime, e.g. 15m. */
      accessTokenDuration?: string;
      /** Upstream's refresh token lifetime, e.g. 168h. */
      refreshTokenDuration?: string;
    };
    /** Upstream's LDAP identity provider; refused here. */
    ldap?: Record<string, unknown>;
    /** Upstream's Kerberos provider; refused here. */
    kerberos?: Record<string, unknown>;
  };
  /** The upstream DittoFS operator's per-adapter Services. mediaplane publishes NFS and SMB on one Service, <name>-file, configured by spec.service; this field is refused with a message that says so. */
  adapterServices?: {
    /** Upstream's adapter Service type; use spec.service.type. */
    type?: "ClusterIP" | "NodePort" | "LoadBalancer";
    /** Upstream's adapter Service annotations; use spec.service.annotations. */
    annotations?: Record<string, string>;
  };
  /** Compute resources of the DittoFS container (requests and limits). */
  resources?: {
    /** Maximum resources, e.g. cpu "2", memory 4Gi. */
    limits?: Record<string, number | string>;
    /** Guaranteed resources, e.g. cpu 250m, memory 512Mi. */
    requests?: Record<string, number | string>;
  };
  /** Container security context (corev1 SecurityContext). Fields set here replace the hardened defaults one by one: no privilege escalation, all capabilities dropped, read-only root filesystem, non-root UID/GID 65532, seccomp RuntimeDefault. */
  securityContext?: Record<string, unknown>;
  /** Pod security context (corev1 PodSecurityContext). Fields set here replace the defaults one by one: runAsNonRoot, UID/GID/fsGroup 65532, seccomp RuntimeDefault. */
  podSecurityContext?: Record<string, unknown>;
};

/** Observed state of the DittoFS server, written by the operator on every reconcile. */
export type DittoServerStatus = {
  /** Summary of the server: Pending (starting, waiting for its database or volumes), Running (a pod is ready), Stopped (replicas 0), Failed (the operator cannot proceed; see the conditions), Deleting (being finalized). */
  phase?: "Pending" | "Running" | "Stopped" | "Failed" | "Deleting";
  /** Pods the StatefulSet currently has. */
  replicas?: number;
  /** Pods that pass their readiness probe. */
  readyReplicas?: number;
  /** Hash of the rendered config.yaml and the resourceVersions of the Secrets the pod reads; the pod template carries it, so pods restart when (and only when) it changes. */
  configHash?: string;
  /** In-cluster NFS endpoint, <name>-file.<namespace>.svc.cluster.local:<port>. */
  nfsEndpoint?: string;
  /** Name of the PerconaPGCluster used as the database, when percona.enabled. */
  perconaClusterName?: string;
  /** The shares of spec.shares as the server has them, and the shares the server has that the spec does not (inSpec false; kept, never deleted unless created with deletionPolicy Delete). */
  shares?: Array<{
    /** Name in spec.shares (absent for a share only the server has). */
    name?: string;
    /** Export path on the server. */
    path: string;
    /** What an NFS client mounts, <name>-file.<namespace>.svc.cluster.local:<path>. */
    nfsExport?: string;
    /** The share exists on the server as the spec asks. */
    served?: boolean;
    /** The share is in spec.shares. */
    inSpec?: boolean;
    /** The deletionPolicy the share was created with (Delete lets the operator remove it). */
    deletionPolicy?: string;
  }>;
  /** The metadata.generation the status was computed for. */
  observedGeneration?: number;
  /** Ready (summary), Available, ConfigReady, ServerConfigured, DatabaseReady (with PostgreSQL) and Progressing. */
  conditions?: Array<{
    /** Type of the condition, e.g. Ready or DatabaseReady. */
    type: string;
    /** True, False or Unknown. */
    status: "True" | "False" | "Unknown";
    /** Machine-readable CamelCase reason for the last transition. */
    reason: string;
    /** Human-readable details of the last transition. */
    message: string;
    /** When the condition last changed status, reason or message. */
    lastTransitionTime: string;
    /** The metadata.generation the condition was computed for. */
    observedGeneration?: number;
  }>;
};

export interface DittoServer {
  apiVersion: "dittofs.dittofs.com/v1alpha1";
  kind: "DittoServer";
  metadata: V1ObjectMeta;
  spec: DittoServerSpec;
  status?: DittoServerStatus;
}
