// The provider settings the fakes know, as the apps' settings classes define them (Sonarr/Radarr
// QBittorrentSettings and TransmissionSettings, Prowlarr SonarrSettings/RadarrSettings): field names,
// privacy and defaults.

export interface FieldDefinition {
  readonly name: string;
  readonly kind: "string" | "integer" | "boolean" | "integers";
  readonly privacy: "normal" | "password" | "apiKey" | "userName";
  readonly default: unknown;
}

export interface ProviderDefinition {
  readonly implementation: string;
  readonly configContract: string;
  readonly fields: readonly FieldDefinition[];
}

function field(
  name: string,
  kind: FieldDefinition["kind"],
  defaultValue: unknown,
  privacy: FieldDefinition["privacy"] = "normal",
): FieldDefinition {
  return { name, kind, privacy, default: defaultValue };
}

function qbittorrent(media: "tv" | "movie", withApiKey: boolean): ProviderDefinition {
  const noun = media === "tv" ? "Tv" : "Movie";
  return {
    implementation: "QBittorrent",
    configContract: "QBittorrentSettings",
    fields: [
      field("host", "string", "localhost"),
      field("port", "integer", 8080),
      field("useSsl", "boolean", false),
      field("urlBase", "string", null),
      ...(withApiKey ? [field("apiKey", "string", null, "apiKey")] : []),
      field("username", "string", null, "userName"),
      field("password", "string", null, "password"),
      field(`${media}Category`, "string", media === "tv" ? "tv-sonarr" : "radarr"),
      field(`${media}ImportedCategory`, "string", null),
      field(`recent${noun}Priority`, "integer", 0),
      field(`older${noun}Priority`, "integer", 0),
      field("initialState", "integer", 0),
      field("sequentialOrder", "boolean", false),
      field("firstAndLast", "boolean", false),
      field("contentLayout", "integer", 0),
    ],
  };
}

/**
 * Sonarr's and Radarr's src/NzbDrone.Core/Download/Clients/Transmission/TransmissionSettings.cs, fields
 * 0-10 in order: Host "localhost", Port 9091, UseSsl, UrlBase "/transmission/", Username (UserName
 * privacy), Password (Password privacy), <Tv|Movie>Category, <Tv|Movie>Directory, Recent/Older priority,
 * AddPaused.
 */
function transmission(media: "tv" | "movie"): ProviderDefinition {
  const noun = media === "tv" ? "Tv" : "Movie";
  return {
    implementation: "Transmission",
    configContract: "TransmissionSettings",
    fields: [
      field("host", "string", "localhost"),
      field("port", "integer", 9091),
      field("useSsl", "boolean", false),
      field("urlBase", "string", "/transmission/"),
      field("username", "string", null, "userName"),
      field("password", "string", null, "password"),
      field(`${media}Category`, "string", null),
      field(`${media}Directory`, "string", null),
      field(`recent${noun}Priority`, "integer", 0),
      field(`older${noun}Priority`, "integer", 0),
      field("addPaused", "boolean", false),
    ],
  };
}

/** Sonarr 4.0.19 has the API key login; Radarr's stored spec does not. */
export const sonarrDownloadClients: readonly ProviderDefinition[] = [
  qbittorrent("tv", true),
  transmission("tv"),
];
export const radarrDownloadClients: readonly ProviderDefinition[] = [
  qbittorrent("movie", false),
  transmission("movie"),
];

function application(app: "Sonarr" | "Radarr", port: number, categories: number[]): ProviderDefinition {
  return {
    implementation: app,
    configContract: `${app}Settings`,
    fields: [
      field("prowlarrUrl", "string", "http://localhost:9696"),
      field("baseUrl", "string", `http://localhost:${port}`),
      field("apiKey", "string", null, "apiKey"),
      field("syncCategories", "integers", categories),
      ...(app === "Sonarr"
        ? [
            field("animeSyncCategories", "integers", [5070]),
            field("syncAnimeStandardFormatSearch", "boolean", true),
          ]
        : []),
      field("syncRejectBlocklistedTorrentHashesWhileGrabbing", "boolean", false),
    ],
  };
}

export const prowlarrApplications: readonly ProviderDefinition[] = [
  application("Sonarr", 8989, [5000, 5010, 5020, 5030, 5040, 5045, 5050, 5090]),
  application("Radarr", 7878, [2000, 2010, 2020, 2030, 2040, 2045, 2050, 2060, 2070, 2080, 2090]),
];

/** The indexer Prowlarr's application test sends to /api/v3/indexer/test. */
export const newznabIndexer: ProviderDefinition = {
  implementation: "Newznab",
  configContract: "NewznabSettings",
  fields: [
    field("baseUrl", "string", null),
    field("apiPath", "string", "/api"),
    field("apiKey", "string", null, "apiKey"),
    field("categories", "integers", []),
    field("animeCategories", "integers", []),
    field("animeStandardFormatSearch", "boolean", false),
    field("additionalParameters", "string", null),
    field("multiLanguages", "integers", []),
    field("failDownloads", "integers", []),
  ],
};
