// The exporters spec.monitoring adds beside the apps: which app gets which exporter, its pinned image, port,
// arguments and environment names. Data, not code; every fact is from the exporter's source at the pinned tag.
import type { AppName } from "./catalog.js";

export type ExporterName = "exportarr" | "qbittorrentExporter";

export interface ExporterCatalogEntry {
  readonly displayName: string;
  /** Image repository, without the tag. */
  readonly repository: string;
  /** Pinned release tag of the exporter's repository. */
  readonly tag: string;
  /** The port the exporter listens on in the app's pod; the Service's `monitoring` port has the same number. */
  readonly port: number;
  /** Where the exporter serves Prometheus metrics. */
  readonly metricsPath: string;
  /** The numeric user the image is built to run as (its Dockerfile's USER). */
  readonly runAsUser: number;
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
}

/**
 * exportarr (github.com/onedr0p/exportarr), v2.3.0: the newest release (its .release-please-manifest.json;
 * main carries an unreleased v3). One binary, the app as its first argument (internal/commands/arr.go:
 * `sonarr`, `radarr`, `prowlarr`, `bazarr`); env PORT, URL, API_KEY (README "Configuration",
 * internal/config/config.go); the API key must match ^[a-zA-Z0-9]{20,32}$ (internal/arr/config/arr.go).
 * The image runs /tini -- /exportarr as distroless `nonroot` (65532) (Dockerfile).
 *
 * qbittorrent-exporter (github.com/martabal/qbittorrent-exporter), v2.0.1: env QBITTORRENT_BASE_URL,
 * QBITTORRENT_USERNAME, QBITTORRENT_PASSWORD, QBITTORRENT_COOKIE_NAME (default SID; qBittorrent 5.2 names
 * its cookie QBT_SID_<port>), EXPORTER_PORT (default 8090), EXPORTER_PATH (/metrics) (app/default.go,
 * app/app.go, README "Parameters"). Its alpine image has no USER, so the stack sets one.
 */
export const exporterCatalog: Readonly<Record<ExporterName, ExporterCatalogEntry>> = {
  exportarr: {
    displayName: "exportarr",
    repository: "ghcr.io/onedr0p/exportarr",
    tag: "v2.3.0",
    // exportarr's own examples use 9707 (README, examples/kubernetes); each sidecar has its own pod.
    port: 9707,
    metricsPath: "/metrics",
    runAsUser: 65532,
    // README "Scrape performance and sizing": roughly 25–100 MB RSS.
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
  },
  qbittorrentExporter: {
    displayName: "qbittorrent-exporter",
    repository: "ghcr.io/martabal/qbittorrent-exporter",
    tag: "v2.0.1",
    port: 8090,
    metricsPath: "/metrics",
    runAsUser: 65532,
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "250m", memory: "64Mi" } },
  },
};

/** The apps that get an exporter with spec.monitoring.enabled, and which one; the others get none. */
export const appExporters: Readonly<Partial<Record<AppName, ExporterName>>> = {
  sonarr: "exportarr",
  radarr: "exportarr",
  prowlarr: "exportarr",
  bazarr: "exportarr",
  qbittorrent: "qbittorrentExporter",
};

/** exportarr's environment names (README "Configuration", v2.3.0). */
export const exportarrEnv = { port: "PORT", url: "URL", apiKey: "API_KEY" } as const;

/** qbittorrent-exporter's environment names (app/default.go, v2.0.1). */
export const qbittorrentExporterEnv = {
  baseUrl: "QBITTORRENT_BASE_URL",
  username: "QBITTORRENT_USERNAME",
  password: "QBITTORRENT_PASSWORD",
  cookieName: "QBITTORRENT_COOKIE_NAME",
  port: "EXPORTER_PORT",
  /** Reads tracker info per torrent (default true): off, one request per torrent and scrape fewer. */
  enableTracker: "ENABLE_TRACKER",
} as const;
