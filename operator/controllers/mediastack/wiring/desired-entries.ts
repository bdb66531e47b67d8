// The entries the wiring owns inside the apps, as pure functions of the stack: Prowlarr applications,
// Sonarr/Radarr download clients, root folders, qBittorrent categories, Transmission's download
// directory, Bazarr's Sonarr/Radarr connections and Jellyfin libraries.
import type { ProviderResource } from "../../../clients/servarr/api-types.js";
import { appCatalog } from "../catalog.js";
import { appServiceHost, appServiceUrl } from "../stack-settings.js";

/** Every entry the operator owns is named with this prefix; entries of other names are the user's. */
export const ownedNamePrefix = "mediaplane-";
export const ownedDownloadClientName = `${ownedNamePrefix}qbittorrent`;
export const ownedTransmissionDownloadClientName = `${ownedNamePrefix}transmission`;
/** Jellyfin's API key AppName (Jellyfin keys have no other name). */
export const ownedJellyfinApiKeyApp = "mediaplane";

export type ArrApp = "sonarr" | "radarr";

/** Category, root folder and Prowlarr defaults per app (Prowlarr's SonarrSettings/RadarrSettings defaults). */
export const arrMedia = {
  sonarr: {
    displayName: "Sonarr",
    category: "tv",
    categoryField: "tvCategory",
    rootFolder: "/data/media/tv",
    syncCategories: [5000, 5010, 5020, 5030, 5040, 5045, 5050, 5090],
  },
  radarr: {
    displayName: "Radarr",
    category: "movies",
    categoryField: "movieCategory",
    rootFolder: "/data/media/movies",
    syncCategories: [2000, 2010, 2020, 2030, 2040, 2045, 2050, 2060, 2070, 2080, 2090],
  },
} as const;

/** qBittorrent categories: save paths on /data, the file system the libraries are on, so hardlinks work. */
export const qbittorrentCategories: ReadonlyArray<{ readonly name: string; readonly savePath: string }> = [
  { name: arrMedia.sonarr.category, savePath: "/data/torrents/tv" },
  { name: arrMedia.radarr.category, savePath: "/data/torrents/movies" },
];

export const jellyfinLibraries: ReadonlyArray<{
  readonly name: string;
  readonly collectionType: string;
  readonly path: string;
}> = [
  { name: "Movies", collectionType: "movies", path: "/data/media/movies" },
  { name: "Shows", collectionType: "tvshows", path: "/data/media/tv" },
];

/** With spec.wiring.musicLibrary: Jellyfin's collection type "music" on the layout's music folder. */
export const jellyfinMusicLibrary = { name: "Music", collectionType: "music", path: "/data/media/music" };

/** Transmission's download-dir: Sonarr and Radarr put each grab under <download-dir>/<category>. */
export const transmissionDownloadDir = "/data/torrents";

export interface StackAddress {
  readonly name: string;
  readonly namespace: string;
}

/** Prowlarr's application for Sonarr or Radarr, with the in-cluster URLs both ways. */
export function prowlarrApplication(stack: StackAddress, app: ArrApp, apiKey: string): ProviderResource {
  const media = arrMedia[app];
  return {
    name: `${ownedNamePrefix}${app}`,
    implementation: media.displayName,
    configContract: `${media.displayName}Settings`,
    syncLevel: "fullSync",
    tags: [],
    fields: [
      { name: "prowlarrUrl", value: appServiceUrl(stack.name, stack.namespace, "prowlarr") },
      { name: "baseUrl", value: appServiceUrl(stack.name, stack.namespace, app) },
      { name: "apiKey", value: apiKey },
      { name: "syncCategories", value: [...media.syncCategories] },
    ],
  };
}

/** How Sonarr and Radarr know a downloader the stack runs: their implementation and its URL base. */
const downloaderClients = {
  qbittorrent: {
    name: ownedDownloadClientName,
    implementation: "QBittorrent",
    configContract: "QBittorrentSettings",
    urlBase: "",
  },
  /**
   * TransmissionSettings (src/NzbDrone.Core/Download/Clients/Transmission/TransmissionSettings.cs):
   * the same host, port, useSsl, urlBase (default "/transmission/"), username, password and
   * tvCategory/movieCategory as qBittorrent's; the category becomes a subdirectory of Transmission's
   * download-dir (TransmissionBase.GetDownloadDirectory).
   */
  transmission: {
    name: ownedTransmissionDownloadClientName,
    implementation: "Transmission",
    configContract: "TransmissionSettings",
    urlBase: "/transmission/",
  },
} as const;

/** Sonarr's or Radarr's download client: the stack's downloader through its Service, the generated login. */
function downloadClient(
  stack: StackAddress,
  app: ArrApp,
  downloader: keyof typeof downloaderClients,
  login: { readonly username: string; readonly password: string },
): ProviderResource {
  const media = arrMedia[app];
  const { name, implementation, configContract, urlBase } = downloaderClients[downloader];
  return {
    name,
    implementation,
    configContract,
    protocol: "torrent",
    enable: true,
    priority: 1,
    removeCompletedDownloads: true,
    removeFailedDownloads: true,
    tags: [],
    fields: [
      { name: "host", value: appServiceHost(stack.name, stack.namespace, downloader) },
      { name: "port", value: appCatalog[downloader].port },
      { name: "useSsl", value: false },
      { name: "urlBase", value: urlBase },
      { name: "username", value: login.username },
      { name: "password", value: login.password },
      { name: media.categoryField, value: media.category },
    ],
  };
}

export function qbittorrentDownloadClient(
  stack: StackAddress,
  app: ArrApp,
  credentials: { readonly username: string; readonly password: string },
): ProviderResource {
  return downloadClient(stack, app, "qbittorrent", credentials);
}

export function transmissionDownloadClient(
  stack: StackAddress,
  app: ArrApp,
  login: { readonly username: string; readonly password: string },
): ProviderResource {
  return downloadClient(stack, app, "transmission", login);
}

/**
 * Bazarr's connection to Sonarr or Radarr as form fields of POST /api/system/settings: the keys of its
 * `sonarr`/`radarr` sections and general.use_sonarr/use_radarr (bazarr/app/config.py validators:
 * ip str, port int 1-65535, base_url str default "/", ssl bool, apikey str). save_settings turns
 * "true"/"false" into booleans and digit strings into integers.
 */
export function bazarrConnection(
  stack: StackAddress,
  app: ArrApp,
  apiKey: string,
): { readonly visible: Readonly<Record<string, unknown>>; readonly form: Readonly<Record<string, string>> } {
  const host = appServiceHost(stack.name, stack.namespace, app);
  const port = appCatalog[app].port;
  return {
    visible: { use: true, ip: host, port, base_url: "/", ssl: false },
    form: {
      [`settings-general-use_${app}`]: "true",
      [`settings-${app}-ip`]: host,
      [`settings-${app}-port`]: String(port),
      [`settings-${app}-base_url`]: "/",
      [`settings-${app}-ssl`]: "false",
      [`settings-${app}-apikey`]: apiKey,
    },
  };
}
