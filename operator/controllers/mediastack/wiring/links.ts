// The wiring links a MediaStack can make, which apps each connects and which spec.wiring switch turns it
// off: data, so the plan, the status and the docs all read one list.
import type { MediaStackSpec } from "../../../generated/mediastack.js";
import type { AppName } from "../catalog.js";
import { resolveEnabledApps } from "../stack-settings.js";

export type WiringSwitch = "prowlarrApplications" | "downloadClients" | "mediaFolders" | "jellyfin";

export interface WiringLink {
  readonly name: string;
  /** Every app the link needs up: the first is the one it writes to. */
  readonly apps: readonly AppName[];
  readonly switch: WiringSwitch;
  /** What it makes, for the docs and the condition message. */
  readonly makes: string;
}

/** In the order they run: categories before the download clients whose test creates them otherwise. */
export const wiringLinks: readonly WiringLink[] = [
  {
    name: "qbittorrent-categories",
    apps: ["qbittorrent"],
    switch: "downloadClients",
    makes: "qBittorrent categories tv and movies saving to /data/torrents/tv and /data/torrents/movies",
  },
  {
    name: "sonarr-download-client",
    apps: ["sonarr", "qbittorrent"],
    switch: "downloadClients",
    makes: "Sonarr download client mediaplane-qbittorrent (category tv)",
  },
  {
    name: "radarr-download-client",
    apps: ["radarr", "qbittorrent"],
    switch: "downloadClients",
    makes: "Radarr download client mediaplane-qbittorrent (category movies)",
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
];

/** The links this spec asks for: wiring on, the link's switch on, every app it connects enabled. */
export function plannedLinks(spec: MediaStackSpec): WiringLink[] {
  const wiring = spec.wiring ?? {};
  if (wiring.enabled === false) return [];
  const enabled = new Set(resolveEnabledApps(spec).map((app) => app.name));
  return wiringLinks.filter(
    (link) => wiring[link.switch] !== false && link.apps.every((app) => enabled.has(app)),
  );
}
