// The wiring links a MediaStack can make, which apps each connects and which spec.wiring switch turns it
// off: data, so the plan, the status and the docs all read one list.
import type { MediaStackSpec } from "../../../generated/mediastack.js";
import type { AppName } from "../catalog.js";
import { resolveEnabledApps } from "../stack-settings.js";

export type WiringSwitch =
  "prowlarrApplications" | "downloadClients" | "mediaFolders" | "jellyfin" | "bazarr" | "musicLibrary";

/** The CRD's defaults: every link on, the Music library off (not every stack has music). */
const switchDefaults: Readonly<Record<WiringSwitch, boolean>> = {
  prowlarrApplications: true,
  downloadClients: true,
  mediaFolders: true,
  jellyfin: true,
  bazarr: true,
  musicLibrary: false,
};

export type Downloader = "qbittorrent" | "transmission";

export interface WiringLink {
  readonly name: string;
  /** Every app the link needs up: the first is the one it writes to. */
  readonly apps: readonly AppName[];
  readonly switch: WiringSwitch;
  /** Another switch that must be on as well (the Music library needs the jellyfin links). */
  readonly alsoNeeds?: WiringSwitch;
  /** Planned only when this is the stack's downloader (see stackDownloader). */
  readonly downloader?: Downloader;
  /** What it makes, for the docs and the condition message. */
  readonly makes: string;
}

/** In the order they run: categories before the download clients whose test creates them otherwise. */
export const wiringLinks: readonly WiringLink[] = [
  {
    name: "qbittorrent-categories",
    apps: ["qbittorrent"],
    switch: "downloadClients",
    downloader: "qbittorrent",
    makes: "qBittorrent categories tv and movies saving to /data/torrents/tv and /data/torrents/movies",
  },
  {
    name: "transmission-download-dir",
    apps: ["transmission"],
    switch: "downloadClients",
    downloader: "transmission",
    makes:
      "Transmission's download directory /data/torrents (Sonarr and Radarr add tv/ and movies/ below it)",
  },
  {
    name: "sonarr-download-client",
    apps: ["sonarr", "qbittorrent"],
    switch: "downloadClients",
    downloader: "qbittorrent",
    makes: "Sonarr download client mediaplane-qbittorrent (category tv)",
  },
  {
    name: "sonarr-download-client",
    apps: ["sonarr", "transmission"],
    switch: "downloadClients",
    downloader: "transmission",
    makes: "Sonarr download client mediaplane-transmission (category tv)",
  },
  {
    name: "radarr-download-client",
    apps: ["radarr", "qbittorrent"],
    switch: "downloadClients",
    downloader: "qbittorrent",
    makes: "Radarr download client mediaplane-qbittorrent (category movies)",
  },
  {
    name: "radarr-download-client",
    apps: ["radarr", "transmission"],
    switch: "downloadClients",
    downloader: "transmission",
    makes: "Radarr download client mediaplane-transmission (category movies)",
  },
  {
    name: "sonarr-media-folders",
    apps: ["sonarr"],
    switch: "mediaFolders",
    makes: "Sonarr root folder /data/media/tv and hardlinks on",
  },
  {
    name: "radarr-media-folders",
    apps: ["radarr"],
    switch: "mediaFolders",
    makes: "Radarr root folder /data/media/movies and hardlinks on",
  },
  {
    name: "prowlarr-sonarr",
    apps: ["prowlarr", "sonarr"],
    switch: "prowlarrApplications",
    makes: "Prowlarr application mediaplane-sonarr",
  },
  {
    name: "prowlarr-radarr",
    apps: ["prowlarr", "radarr"],
    switch: "prowlarrApplications",
    makes: "Prowlarr application mediaplane-radarr",
  },
  {
    name: "jellyfin-setup",
    apps: ["jellyfin"],
    switch: "jellyfin",
    makes: "Jellyfin's first-run wizard completed with the generated admin, API key mediaplane stored",
  },
  {
    name: "jellyfin-libraries",
    apps: ["jellyfin"],
    switch: "jellyfin",
    makes: "Jellyfin libraries Movies (/data/media/movies) and Shows (/data/media/tv)",
  },
  {
    name: "jellyfin-music-library",
    apps: ["jellyfin"],
    switch: "musicLibrary",
    alsoNeeds: "jellyfin",
    makes: "Jellyfin library Music (/data/media/music)",
  },
  {
    name: "bazarr-sonarr",
    apps: ["bazarr", "sonarr"],
    switch: "bazarr",
    makes: "Bazarr connected to Sonarr (its in-cluster Service and API key)",
  },
  {
    name: "bazarr-radarr",
    apps: ["bazarr", "radarr"],
    switch: "bazarr",
    makes: "Bazarr connected to Radarr (its in-cluster Service and API key)",
  },
];

/**
 * The download client Sonarr and Radarr get: spec.wiring.downloader, else the one enabled downloader
 * (the CRD refuses two enabled without wiring.downloader). A downloader named but disabled plans no
 * download client link, since a link needs every app it connects enabled.
 */
export function stackDownloader(spec: MediaStackSpec): Downloader | undefined {
  const named = spec.wiring?.downloader;
  if (named !== undefined) return named;
  const enabled = new Set(resolveEnabledApps(spec).map((app) => app.name));
  if (enabled.has("qbittorrent")) return "qbittorrent";
  if (enabled.has("transmission")) return "transmission";
  return undefined;
}

/**
 * The links this spec asks for: wiring on, the link's switches on, every app it connects enabled, and
 * for a downloader's link that downloader the stack's.
 */
export function plannedLinks(spec: MediaStackSpec): WiringLink[] {
  const wiring = spec.wiring ?? {};
  if (wiring.enabled === false) return [];
  const on = (name: WiringSwitch): boolean => wiring[name] ?? switchDefaults[name];
  const enabled = new Set(resolveEnabledApps(spec).map((app) => app.name));
  const downloader = stackDownloader(spec);
  return wiringLinks.filter(
    (link) =>
      on(link.switch) &&
      (link.alsoNeeds === undefined || on(link.alsoNeeds)) &&
      (link.downloader === undefined || link.downloader === downloader) &&
      link.apps.every((app) => enabled.has(app)),
  );
}
