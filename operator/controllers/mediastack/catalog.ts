// The app catalog: what mediaplane knows about each app a MediaStack can run (image, port, probe,
// mounts, resources). Data, not code: the renderers read it, a unit test checks it against the CRD.

/** Every app a MediaStack can run, in the order the stack renders them. */
export const appNames = [
  "prowlarr",
  "sonarr",
  "radarr",
  "qbittorrent",
  "jellyfin",
  "bazarr",
  "jackett",
  "transmission",
] as const;

export type AppName = (typeof appNames)[number];

/** How the kubelet checks an app: an HTTP path that answers 200 without a login, or a TCP connect. */
export type AppProbe = { readonly kind: "http"; readonly path: string } | { readonly kind: "tcp" };

export interface AppResourceBudget {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface AppCatalogEntry {
  readonly displayName: string;
  /** Image repository, without the tag. */
  readonly repository: string;
  /** Pinned tag: never a floating one, so a restart never upgrades an app by surprise. */
  readonly tag: string;
  /** The WebUI/API port; the Service exposes the same number (qBittorrent rejects a Host port that differs). */
  readonly port: number;
  readonly probe: AppProbe;
  /** Where the app keeps its settings and database (the config PVC). */
  readonly configMountPath: string;
  /** Whether the app reads or writes media and so mounts the shared volume at /data. */
  readonly mountsData: boolean;
  /**
   * LinuxServer images start as root under s6-overlay, which switches to PUID/PGID itself: they get
   * PUID/PGID env and the capabilities s6 needs; the others run as PUID/PGID directly with none.
   */
  readonly linuxServer: boolean;
  /** Environment every instance gets (before the stack's and the user's). */
  readonly env: Readonly<Record<string, string>>;
  readonly resources: AppResourceBudget;
  readonly configSize: string;
  readonly enabledByDefault: boolean;
}

/** Where the shared volume is mounted and the hardlink layout the stack creates on it. */
export const dataMountPath = "/data";
export const dataLayoutDirectories = [
  "/data/torrents",
  "/data/torrents/movies",
  "/data/torrents/tv",
  "/data/torrents/music",
  "/data/media",
  "/data/media/movies",
  "/data/media/tv",
  "/data/media/music",
] as const;

/**
 * The seed's resource budget (002, "Resource Budget") for the five core apps; the opt-in apps'
 * budgets are ours, sized like Prowlarr (Bazarr, Jackett) and below qBittorrent (Transmission).
 * Tags: the core ones are from ANCHORS.md (mid-2026). The bazarr, jackett and transmission tags are
 * plausible pinned LinuxServer tags of the same period, not verified against the registry here:
 * check them at deploy time.
 */
export const appCatalog: Readonly<Record<AppName, AppCatalogEntry>> = {
  prowlarr: {
    displayName: "Prowlarr",
    repository: "lscr.io/linuxserver/prowlarr",
    tag: "2.5.2.5491-ls155",
    port: 9696,
    probe: { kind: "http", path: "/ping" },
    configMountPath: "/config",
    mountsData: false,
    linuxServer: true,
    env: {},
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
    configSize: "2Gi",
    enabledByDefault: true,
  },
  sonarr: {
    displayName: "Sonarr",
    repository: "lscr.io/linuxserver/sonarr",
    tag: "4.0.19.2979-ls316",
    port: 8989,
    probe: { kind: "http", path: "/ping" },
    configMountPath: "/config",
    mountsData: true,
    linuxServer: true,
    env: {},
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    configSize: "2Gi",
    enabledByDefault: true,
  },
  radarr: {
    displayName: "Radarr",
    repository: "lscr.io/linuxserver/radarr",
    tag: "6.2.1.10461-ls308",
    port: 7878,
    probe: { kind: "http", path: "/ping" },
    configMountPath: "/config",
    mountsData: true,
    linuxServer: true,
    env: {},
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    configSize: "2Gi",
    enabledByDefault: true,
  },
  qbittorrent: {
    displayName: "qBittorrent",
    repository: "lscr.io/linuxserver/qbittorrent",
    tag: "5.2.3_v2.0.13-ls469",
    port: 8080,
    // Unauthenticated HTTP gets 403 from qBittorrent, so only a TCP connect is a fair probe.
    probe: { kind: "tcp" },
    configMountPath: "/config",
    mountsData: true,
    linuxServer: true,
    env: { WEBUI_PORT: "8080" },
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    configSize: "2Gi",
    enabledByDefault: true,
  },
  jellyfin: {
    displayName: "Jellyfin",
    repository: "jellyfin/jellyfin",
    tag: "10.11.11",
    port: 8096,
    probe: { kind: "http", path: "/health" },
    configMountPath: "/config",
    mountsData: true,
    linuxServer: false,
    // The official image caches under /cache (root-owned in the image); the seed sizes the config
    // volume (5Gi) for metadata, thumbnails and the transcoding cache, so the cache lives there.
    env: { JELLYFIN_CACHE_DIR: "/config/cache", XDG_CACHE_HOME: "/config/cache" },
    resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "4", memory: "2Gi" } },
    configSize: "5Gi",
    enabledByDefault: true,
  },
  bazarr: {
    displayName: "Bazarr",
    repository: "lscr.io/linuxserver/bazarr",
    tag: "v1.5.6-ls350",
    port: 6767,
    // Bazarr's unauthenticated availability endpoint (bazarr/api/system/ping.py).
    probe: { kind: "http", path: "/api/system/ping" },
    configMountPath: "/config",
    mountsData: true,
    linuxServer: true,
    env: {},
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    configSize: "2Gi",
    enabledByDefault: false,
  },
  jackett: {
    displayName: "Jackett",
    repository: "lscr.io/linuxserver/jackett",
    tag: "v0.24.2251-ls468",
    port: 9117,
    // Jackett's anonymous HealthcheckController answers "OK" at /health.
    probe: { kind: "http", path: "/health" },
    configMountPath: "/config",
    mountsData: false,
    linuxServer: true,
    env: {},
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    configSize: "2Gi",
    enabledByDefault: false,
  },
  transmission: {
    displayName: "Transmission",
    repository: "lscr.io/linuxserver/transmission",
    tag: "4.1.2-r0-ls349",
    port: 9091,
    // The RPC endpoint wants a session id (409) and maybe a login, so a TCP connect is the probe.
    probe: { kind: "tcp" },
    configMountPath: "/config",
    mountsData: true,
    linuxServer: true,
    env: {},
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    configSize: "2Gi",
    enabledByDefault: false,
  },
};

/**
 * Capabilities LinuxServer's s6-overlay init needs after `drop: [ALL]`: SETUID/SETGID to switch to
 * PUID/PGID (the seed's minimum), CHOWN for its `lsiown` of /config (the seed's fallback), and
 * DAC_OVERRIDE/FOWNER so root can still read and chmod files PUID already owns. All five are
 * allowed by the baseline Pod Security Standard the seed's namespace enforces.
 */
export const linuxServerCapabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"] as const;

/** Spec defaults the CRD also declares; the renderers apply them to objects that were never defaulted. */
export const stackDefaults = {
  timezone: "Etc/UTC",
  puid: 1000,
  pgid: 1000,
  imagePullPolicy: "IfNotPresent",
  nfsMountOptions: ["hard", "nfsvers=4.1", "rsize=65536", "wsize=65536", "timeo=600"],
  nfsCapacity: "1Ti",
  dittoServerPath: "/export",
  reclaimPolicy: "Retain",
  gatewayScheme: "https",
  networkPolicyGatewayNamespace: "gateway",
  networkPolicyMonitoringNamespace: "monitoring",
} as const;
