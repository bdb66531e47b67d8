// Generated from crds/mediastack.yaml by tools/crd-types.ts (npm run gen:types).
// Do not edit: change the CRD and regenerate, so the schema stays the one source of truth.
import type { V1ObjectMeta } from "@kubernetes/client-node";

export const MediaStackResource = {
  group: "mediaplane.io",
  version: "v1alpha1",
  plural: "mediastacks",
  kind: "MediaStack",
  namespaced: true,
} as const;

export type MediaStackResources = {
  /** Minimum resources, e.g. cpu: 100m, memory: 256Mi. */
  requests?: Record<string, number | string>;
  /** Maximum resources, e.g. cpu: "1", memory: 1Gi. */
  limits?: Record<string, number | string>;
};

export type MediaStackEnv = {
  /** Variable name. */
  name: string;
  /** Literal value. Use valueFrom for anything secret. */
  value?: string;
  /** Read the value from a Secret or ConfigMap key in the stack's namespace (exactly one). */
  valueFrom?: MediaStackValueFrom;
};

export type MediaStackValueFrom = {
  /** A key of a Secret in the stack's namespace. */
  secretKeyRef?: MediaStackSecretKeyRef;
  /** A key of a ConfigMap in the stack's namespace. */
  configMapKeyRef?: MediaStackConfigMapKeyRef;
};

export type MediaStackSecretKeyRef = {
  /** Secret name. */
  name: string;
  /** Key within it. */
  key: string;
  /** Start the app even when the Secret or key is missing. */
  optional?: boolean;
};

export type MediaStackConfigMapKeyRef = {
  /** ConfigMap name. */
  name: string;
  /** Key within it. */
  key: string;
  /** Start the app even when the ConfigMap or key is missing. */
  optional?: boolean;
};

/** MediaStackSpec is the *arr media stack to run: shared storage, the apps and how they are reached. */
export type MediaStackSpec = {
  /** IANA time zone for every app (the TZ variable), e.g. Asia/Manila. */
  timezone?: string;
  /** User id the apps run as and own their files with (PUID for LinuxServer images, runAsUser for the others). Root (0) is refused. */
  puid?: number;
  /** Group id the apps run as (PGID / runAsGroup / fsGroup). */
  pgid?: number;
  /** Pull policy of every container. The catalog pins tags, so IfNotPresent is safe. */
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** Node labels every app's pod must match. */
  nodeSelector?: Record<string, string>;
  /** Tolerations for every app's pod. */
  tolerations?: Array<{
    /** Taint key; empty with operator Exists matches every taint. */
    key?: string;
    /** Exists or Equal (default Equal). */
    operator?: "Exists" | "Equal";
    /** Taint value for operator Equal. */
    value?: string;
    /** Taint effect to match; empty matches all. */
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
    /** For NoExecute: how long the pod stays bound after the taint appears. */
    tolerationSeconds?: number;
  }>;
  /** A core/v1 Affinity for every app's pod (nodeAffinity, podAffinity, podAntiAffinity), passed through unchanged. */
  affinity?: Record<string, unknown>;
  /** Where the shared /data volume and the apps' config volumes come from. */
  storage: {
    /** The one volume every app that needs media mounts at /data, so downloads and the library share a file system and hardlinks work. Exactly one of nfs, existingClaim or dittoServerRef. */
    data: {
      /** An NFS export: the stack renders a cluster-scoped PersistentVolume (bound strictly to the stack's claim) and a ReadWriteMany claim for it. */
      nfs?: {
        /** NFS server host name or IP address; kubelet mounts it from the node, so it must resolve and be reachable there. */
        server: string;
        /** Exported path, e.g. /Kubernetes/Media (NFSv4 path relative to the pseudo-root). */
        path: string;
        /** NFS mount options, one per item. Default: the seed's hard, nfsvers=4.1, rsize=65536, wsize=65536, timeo=600. */
        mountOptions?: Array<string>;
        /** Nominal size of the PersistentVolume and its claim (NFS does not enforce it). */
        capacity?: number | string;
      };
      /** Name of a ReadWriteMany PersistentVolumeClaim in the stack's namespace to mount as /data. The stack renders no volume or claim and never deletes it. */
      existingClaim?: string;
      /** A DittoServer in the stack's namespace: the stack waits until it is Ready and serves the chosen share (share by name, or path, or else its first share), and mounts that export through its file Service's ClusterIP. */
      dittoServerRef?: {
        /** DittoServer name. */
        name: string;
        /** The DittoServer's share to mount, by its spec.shares[].name. Without share or path, its first share (export at /export when the DittoServer lists none). */
        share?: string;
        /** The DittoServer's share to mount, by its export path (e.g. /export); an alternative to share. */
        path?: string;
      };
      /** What happens to the stack's PersistentVolume object when the MediaStack is deleted: Retain keeps it (Released), Delete deletes it. Files on the NFS server are never deleted either way. */
      reclaimPolicy?: "Retain" | "Delete";
    };
    /** The per-app config volumes (SQLite databases, settings, logs): one ReadWriteOnce claim per app. */
    config?: {
      /** Storage class of the config claims, e.g. longhorn. Unset: the cluster's default class. */
      storageClassName?: string;
      /** Size of every config claim unless the app sets configSize. Unset: the catalog's (2Gi; Jellyfin 5Gi). */
      size?: number | string;
      /** Delete an app's config claim when the app is disabled. Default false: re-enabling the app finds its settings again. */
      deleteOnDisable?: boolean;
    };
  };
  /** Expose each app with a Gateway API HTTPRoute (gateway.networking.k8s.io/v1) at <app>.<domain>. */
  gateway?: {
    /** The Gateways (or listeners) the routes attach to, as Gateway API ParentReferences. */
    parentRefs: Array<{
      /** API group of the parent (default gateway.networking.k8s.io). */
      group?: string;
      /** Kind of the parent (default Gateway). */
      kind?: string;
      /** Namespace of the parent (default: the stack's namespace). */
      namespace?: string;
      /** Name of the parent. */
      name: string;
      /** A listener name of the Gateway. */
      sectionName?: string;
      /** A listener port of the Gateway. */
      port?: number;
    }>;
    /** Base domain: each app is reached at <app>.<domain> unless apps.<app>.hostname says otherwise, e.g. k8s.example.com. */
    domain: string;
    /** Scheme clients use through the Gateway; only used for the URLs in status. */
    scheme?: "http" | "https";
  };
  /** Expose each app with a networking.k8s.io/v1 Ingress instead (clusters without the Gateway API, e.g. Traefik). Not together with gateway. */
  ingress?: {
    /** IngressClass name, e.g. traefik. Unset: the cluster's default class. */
    className?: string;
    /** Annotations for every Ingress (e.g. cert-manager or Traefik middlewares). */
    annotations?: Record<string, string>;
    /** Base domain: each app is reached at <app>.<domain> unless apps.<app>.hostname says otherwise. */
    domain: string;
    /** A TLS Secret covering every app's host (e.g. a wildcard certificate). Unset: plain HTTP. */
    tlsSecretName?: string;
  };
  /** Prometheus exporters for the apps (docs/mediastack.md, Monitoring): exportarr beside Sonarr, Radarr, Prowlarr and Bazarr, a qBittorrent exporter beside qBittorrent, each as a sidecar serving a Service port named monitoring, and a ServiceMonitor for the stack while the monitoring.coreos.com CRD is installed (without it the ServiceMonitorReady condition says so; Ready does not depend on it). */
  monitoring?: {
    /** Run the exporters and create the ServiceMonitor. Off by default. */
    enabled?: boolean;
    /** The ServiceMonitor's scrape interval, e.g. 60s; absent leaves Prometheus' own default. Bazarr's exporter walks every episode: keep it above its scrape time. */
    interval?: string;
    /** The exportarr image of the *arr exporters. Default: the catalog's pinned ghcr.io/onedr0p/exportarr. */
    exportarr?: {
      /** Image repository without the tag. Default: ghcr.io/onedr0p/exportarr. */
      image?: string;
      /** Image tag. Default: the catalog's pinned v2.3.0; never a floating tag. */
      tag?: string;
    };
    /** The qBittorrent exporter image. Default: the catalog's pinned ghcr.io/martabal/qbittorrent-exporter. */
    qbittorrentExporter?: {
      /** Image repository without the tag. Default: ghcr.io/martabal/qbittorrent-exporter. */
      image?: string;
      /** Image tag. Default: the catalog's pinned v2.0.1; never a floating tag. */
      tag?: string;
    };
  };
  /** A NetworkPolicy for the stack's pods (seed 002 §4.25.10): traffic between pods of the namespace, from the gateway and monitoring namespaces, egress anywhere; all other ingress denied. */
  networkPolicy?: {
    /** Render the NetworkPolicy. Off by default: it needs a CNI that enforces policies and the right gateway namespace. */
    enabled?: boolean;
    /** Namespace of the Gateway's (or ingress controller's) proxy pods. */
    gatewayNamespace?: string;
    /** Namespace of Prometheus, allowed to scrape the apps. */
    monitoringNamespace?: string;
  };
  /** What the operator configures inside the apps once they answer (docs/mediastack.md, Wiring): Prowlarr's applications, the download client, root folders and hardlinks in Sonarr and Radarr, qBittorrent's categories, Jellyfin's first-run wizard and libraries. Each link is on by default; only entries whose name starts with mediaplane- are the operator's. */
  wiring?: {
    /** false turns every link off; the API keys are still generated and preset. */
    enabled?: boolean;
    /** Prowlarr gets Sonarr and Radarr as applications (with the in-cluster Prowlarr and app URLs). */
    prowlarrApplications?: boolean;
    /** Sonarr and Radarr get the stack's downloader (wiring.downloader, qBittorrent or Transmission) as download client (categories tv and movies); qBittorrent gets those categories with save paths under /data/torrents, Transmission its download directory /data/torrents. */
    downloadClients?: boolean;
    /** Sonarr gets the root folder /data/media/tv, Radarr /data/media/movies, both with hardlinks on. */
    mediaFolders?: boolean;
    /** Jellyfin's first-run wizard is completed with the generated admin, its API key stored in the stack's API key Secret, and the libraries Movies and Shows created on /data/media (Music too with musicLibrary). */
    jellyfin?: boolean;
    /** Which download client Sonarr and Radarr get. Defaults to the one enabled downloader; required when apps.qbittorrent and apps.transmission are both enabled. */
    downloader?: "qbittorrent" | "transmission";
    /** Bazarr gets Sonarr and Radarr (their in-cluster Service URLs and the generated API keys) in its settings. */
    bazarr?: boolean;
    /** Jellyfin also gets the library Music (/data/media/music, collection type music). Off by default; needs the jellyfin switch. */
    musicLibrary?: boolean;
  };
  /** The apps of the stack, each from the catalog with pinned defaults. At least one must be enabled. */
  apps?: {
    /** Prowlarr, the indexer manager that feeds Sonarr and Radarr. Enabled by default; every field falls back to the app catalog. */
    prowlarr?: {
      /** Whether the stack runs prowlarr. Disabling removes its Deployment, Service and route; its config PVC is kept unless storage.config.deleteOnDisable is true. */
      enabled?: boolean;
      /** Image repository without the tag. Default: lscr.io/linuxserver/prowlarr. */
      image?: string;
      /** Image tag. Default: the catalog's pinned 2.5.2.5491-ls155; never a floating tag. */
      tag?: string;
      /** CPU and memory for the app's container. When set it replaces the catalog default (the seed's resource budget) as a whole, so a limit can be left out on purpose. */
      resources?: MediaStackResources;
      /** Extra environment variables for the app's container. A name that the stack sets itself (TZ, PUID, PGID, ...) is overridden by the value here. */
      env?: Array<MediaStackEnv>;
      /** Size of the app's config PVC. Default: storage.config.size, else the catalog's (2Gi). */
      configSize?: number | string;
      /** Host name of the app's route, overriding prowlarr.<domain>. Must be unique among enabled apps. */
      hostname?: string;
    };
    /** Sonarr, TV series automation. Enabled by default; every field falls back to the app catalog. */
    sonarr?: {
      /** Whether the stack runs sonarr. Disabling removes its Deployment, Service and route; its config PVC is kept unless storage.config.deleteOnDisable is true. */
      enabled?: boolean;
      /** Image repository without the tag. Default: lscr.io/linuxserver/sonarr. */
      image?: string;
      /** Image tag. Default: the catalog's pinned 4.0.19.2979-ls316; never a floating tag. */
      tag?: string;
      /** CPU and memory for the app's container. When set it replaces the catalog default (the seed's resource budget) as a whole, so a limit can be left out on purpose. */
      resources?: MediaStackResources;
      /** Extra environment variables for the app's container. A name that the stack sets itself (TZ, PUID, PGID, ...) is overridden by the value here. */
      env?: Array<MediaStackEnv>;
      /** Size of the app's config PVC. Default: storage.config.size, else the catalog's (2Gi). */
      configSize?: number | string;
      /** Host name of the app's route, overriding sonarr.<domain>. Must be unique among enabled apps. */
      hostname?: string;
    };
    /** Radarr, movie automation. Enabled by default; every field falls back to the app catalog. */
    radarr?: {
      /** Whether the stack runs radarr. Disabling removes its Deployment, Service and route; its config PVC is kept unless storage.config.deleteOnDisable is true. */
      enabled?: boolean;
      /** Image repository without the tag. Default: lscr.io/linuxserver/radarr. */
      image?: string;
      /** Image tag. Default: the catalog's pinned 6.2.1.10461-ls308; never a floating tag. */
      tag?: string;
      /** CPU and memory for the app's container. When set it replaces the catalog default (the seed's resource budget) as a whole, so a limit can be left out on purpose. */
      resources?: MediaStackResources;
      /** Extra environment variables for the app's container. A name that the stack sets itself (TZ, PUID, PGID, ...) is overridden by the value here. */
      env?: Array<MediaStackEnv>;
      /** Size of the app's config PVC. Default: storage.config.size, else the catalog's (2Gi). */
      configSize?: number | string;
      /** Host name of the app's route, overriding radarr.<domain>. Must be unique among enabled apps. */
      hostname?: string;
    };
    /** qBittorrent, the download client; the stack generates its WebUI credentials into a Secret and seeds its configuration. Enabled by default; every field falls back to the app catalog. */
    qbittorrent?: {
      /** Whether the stack runs qbittorrent. Disabling removes its Deployment, Service and route; its config PVC is kept unless storage.config.deleteOnDisable is true. */
      enabled?: boolean;
      /** Image repository without the tag. Default: lscr.io/linuxserver/qbittorrent. */
      image?: string;
      /** Image tag. Default: the catalog's pinned 5.2.3_v2.0.13-ls469; never a floating tag. */
      tag?: string;
      /** CPU and memory for the app's container. When set it replaces the catalog default (the seed's resource budget) as a whole, so a limit can be left out on purpose. */
      resources?: MediaStackResources;
      /** Extra environment variables for the app's container. A name that the stack sets itself (TZ, PUID, PGID, ...) is overridden by the value here. */
      env?: Array<MediaStackEnv>;
      /** Size of the app's config PVC. Default: storage.config.size, else the catalog's (2Gi). */
      configSize?: number | string;
      /** Host name of the app's route, overriding qbittorrent.<domain>. Must be unique among enabled apps. */
      hostname?: string;
    };
    /** Jellyfin, the media server reading /data/media. Enabled by default; every field falls back to the app catalog. */
    jellyfin?: {
      /** Whether the stack runs jellyfin. Disabling removes its Deployment, Service and route; its config PVC is kept unless storage.config.deleteOnDisable is true. */
      enabled?: boolean;
      /** Image repository without the tag. Default: jellyfin/jellyfin. */
      image?: string;
      /** Image tag. Default: the catalog's pinned 10.11.11; never a floating tag. */
      tag?: string;
      /** CPU and memory for the app's container. When set it replaces the catalog default (the seed's resource budget) as a whole, so a limit can be left out on purpose. */
      resources?: MediaStackResources;
      /** Extra environment variables for the app's container. A name that the stack sets itself (TZ, PUID, PGID, ...) is overridden by the value here. */
      env?: Array<MediaStackEnv>;
      /** Size of the app's config PVC. Default: storage.config.size, else the catalog's (5Gi). */
      configSize?: number | string;
      /** Host name of the app's route, overriding jellyfin.<domain>. Must be unique among enabled apps. */
      hostname?: string;
    };
    /** Bazarr, subtitles for Sonarr and Radarr (opt-in). Disabled by default; every field falls back to the app catalog. */
    bazarr?: {
      /** Whether the stack runs bazarr. Disabling removes its Deployment, Service and route; its config PVC is kept unless storage.config.deleteOnDisable is true. */
      enabled?: boolean;
      /** Image repository without the tag. Default: lscr.io/linuxserver/bazarr. */
      image?: string;
      /** Image tag. Default: the catalog's pinned v1.5.6-ls350; never a floating tag. */
      tag?: string;
      /** CPU and memory for the app's container. When set it replaces the catalog default (the seed's resource budget) as a whole, so a limit can be left out on purpose. */
      resources?: MediaStackResources;
      /** Extra environment variables for the app's container. A name that the stack sets itself (TZ, PUID, PGID, ...) is overridden by the value here. */
      env?: Array<MediaStackEnv>;
      /** Size of the app's config PVC. Default: storage.config.size, else the catalog's (2Gi). */
      configSize?: number | string;
      /** Host name of the app's route, overriding bazarr.<domain>. Must be unique among enabled apps. */
      hostname?: string;
    };
    /** Jackett, an indexer proxy (opt-in; Prowlarr replaces it in most stacks). Disabled by default; every field falls back to the app catalog. */
    jackett?: {
      /** Whether the stack runs jackett. Disabling removes its Deployment, Service and route; its config PVC is kept unless storage.config.deleteOnDisable is true. */
      enabled?: boolean;
      /** Image repository without the tag. Default: lscr.io/linuxserver/jackett. */
      image?: string;
      /** Image tag. Default: the catalog's pinned v0.24.2251-ls468; never a floating tag. */
      tag?: string;
      /** CPU and memory for the app's container. When set it replaces the catalog default (the seed's resource budget) as a whole, so a limit can be left out on purpose. */
      resources?: MediaStackResources;
      /** Extra environment variables for the app's container. A name that the stack sets itself (TZ, PUID, PGID, ...) is overridden by the value here. */
      env?: Array<MediaStackEnv>;
      /** Size of the app's config PVC. Default: storage.config.size, else the catalog's (2Gi). */
      configSize?: number | string;
      /** Host name of the app's route, overriding jackett.<domain>. Must be unique among enabled apps. */
      hostname?: string;
    };
    /** Transmission, an alternative download client (opt-in). Disabled by default; every field falls back to the app catalog. */
    transmission?: {
      /** Whether the stack runs transmission. Disabling removes its Deployment, Service and route; its config PVC is kept unless storage.config.deleteOnDisable is true. */
      enabled?: boolean;
      /** Image repository without the tag. Default: lscr.io/linuxserver/transmission. */
      image?: string;
      /** Image tag. Default: the catalog's pinned 4.1.2-r0-ls349; never a floating tag. */
      tag?: string;
      /** CPU and memory for the app's container. When set it replaces the catalog default (the seed's resource budget) as a whole, so a limit can be left out on purpose. */
      resources?: MediaStackResources;
      /** Extra environment variables for the app's container. A name that the stack sets itself (TZ, PUID, PGID, ...) is overridden by the value here. */
      env?: Array<MediaStackEnv>;
      /** Size of the app's config PVC. Default: storage.config.size, else the catalog's (2Gi). */
      configSize?: number | string;
      /** Host name of the app's route, overriding transmission.<domain>. Must be unique among enabled apps. */
      hostname?: string;
    };
  };
};

/** MediaStackStatus is what the operator observed at .status.observedGeneration. */
export type MediaStackStatus = {
  /** The .metadata.generation of the last finished reconcile. */
  observedGeneration?: number;
  /** Ready (summary), StorageReady, AppsReady, RoutesReady. */
  conditions?: Array<{
    /** Condition type: Ready, StorageReady, AppsReady, RoutesReady (and Reconciling/Stalled from the framework). */
    type: string;
    /** True, False or Unknown. */
    status: "True" | "False" | "Unknown";
    /** The .metadata.generation the condition was computed from. */
    observedGeneration?: number;
    /** When the status last changed (not the reason or message alone). */
    lastTransitionTime: string;
    /** CamelCase reason; see docs/mediastack.md for the table. */
    reason: string;
    /** Human-readable details. */
    message: string;
  }>;
  /** Ready apps over enabled apps, e.g. 5/5. */
  appsSummary?: string;
  /** One entry per enabled app, in catalog order (a list keyed by name, per the API conventions). */
  apps?: Array<{
    /** App name, e.g. sonarr. */
    name: string;
    /** The app's Deployment is available with the current spec. */
    ready?: boolean;
    /** Pods of the Deployment. */
    replicas?: number;
    /** Ready pods of the Deployment. */
    readyReplicas?: number;
    /** Image the app runs (or is rolling out to). */
    image?: string;
    /** Where a person reaches the app: its route's URL, else its in-cluster Service URL. */
    url?: string;
    /** Every wiring link the app takes part in is in place (absent while wiring is off for all of them). */
    wired?: boolean;
  }>;
  /** Secret in the stack's namespace with the apps' generated API keys and Jellyfin's admin (docs/mediastack.md, Wiring). */
  apiKeysSecret?: string;
  /** The state of each wiring link (the Wired condition summarizes them). */
  wiring?: {
    /** One entry per planned link, in the order they run. */
    links?: Array<{
      /** The link, e.g. prowlarr-sonarr, sonarr-download-client, jellyfin-libraries. */
      name: string;
      /** The link's entries are in place as last written. */
      wired?: boolean;
      /** Why the link is (not) wired; one of the Wired condition's reasons. */
      reason?: string;
      /** Details, e.g. the app's own error message. */
      message?: string;
      /** sha256 of what the operator last wrote for this link, so a rewrite happens only on change (GET answers mask secrets, so they cannot be compared). */
      appliedHash?: string;
    }>;
  };
  /** How other controllers (Torrent client_ref) reach the stack's qBittorrent. */
  qbittorrent?: {
    /** In-cluster WebUI URL, http://<stack>-qbittorrent.<namespace>.svc.cluster.local:8080. */
    url?: string;
    /** Secret in the stack's namespace with keys url, username, password, password_pbkdf2. */
    credentialsSecret?: string;
    /** qBittorrent's Deployment is available. */
    ready?: boolean;
  };
  /** The shared /data volume. */
  storage?: {
    /** The cluster-scoped PersistentVolume the stack rendered (nfs, dittoServerRef). */
    persistentVolumeName?: string;
    /** The claim mounted at /data. */
    claimName?: string;
  };
};

export interface MediaStack {
  apiVersion: "mediaplane.io/v1alpha1";
  kind: "MediaStack";
  metadata: V1ObjectMeta;
  spec: MediaStackSpec;
  status?: MediaStackStatus;
}
