// The request schemas the fakes check, transcribed from the apps' published OpenAPI specs: Sonarr
// v4.0.19.2979 (the catalog's pin) src/Sonarr.Api.V3/openapi.json, Radarr develop late 2025 (6.0.x; 6.2.1
// is not stored) src/Radarr.Api.V3/openapi.json, Prowlarr 2.3.6 (2.5.2 is not stored) src/Prowlarr.Api.V1/openapi.json.
// Every schema there is `additionalProperties: false`; none marks a property required (the apps'
// validators do that, see servarr-rules.ts).
import type { Schema, SchemaRegistry } from "./openapi-schema.js";

const int32: Schema = { type: "integer", format: "int32" };
const text: Schema = { type: "string", nullable: true };
const flag: Schema = { type: "boolean" };

function object(properties: Record<string, Schema>): Schema {
  return { type: "object", properties, additionalProperties: false };
}

/** What DownloadClientResource, IndexerResource and ApplicationResource share (ProviderResource). */
function providerResource(self: string, extra: Record<string, Schema>): Schema {
  return object({
    id: int32,
    name: text,
    fields: { type: "array", items: { $ref: "Field" }, nullable: true },
    implementationName: text,
    implementation: text,
    configContract: text,
    infoLink: text,
    message: { $ref: "ProviderMessage" },
    tags: { type: "array", items: int32, uniqueItems: true, nullable: true },
    presets: { type: "array", items: { $ref: self }, nullable: true },
    ...extra,
  });
}

const shared: SchemaRegistry = {
  Field: object({
    order: int32,
    name: text,
    label: text,
    unit: text,
    helpText: text,
    helpTextWarning: text,
    helpLink: text,
    value: { nullable: true },
    type: text,
    advanced: flag,
    selectOptions: { type: "array", items: { $ref: "SelectOption" }, nullable: true },
    selectOptionsProviderAction: text,
    section: text,
    hidden: text,
    privacy: { $ref: "PrivacyLevel" },
    placeholder: text,
    isFloat: flag,
  }),
  SelectOption: object({ value: int32, name: text, order: int32, hint: text }),
  PrivacyLevel: { type: "string", enum: ["normal", "password", "apiKey", "userName"] },
  ProviderMessage: object({ message: text, type: { $ref: "ProviderMessageType" } }),
  ProviderMessageType: { type: "string", enum: ["info", "warning", "error"] },
  DownloadProtocol: { type: "string", enum: ["unknown", "usenet", "torrent"] },
  ProperDownloadTypes: { type: "string", enum: ["preferAndUpgrade", "doNotUpgrade", "doNotPrefer"] },
  RescanAfterRefreshType: { type: "string", enum: ["always", "afterManual", "never"] },
  UnmappedFolder: object({ name: text, path: text, relativePath: text }),
  RootFolderResource: object({
    id: int32,
    path: text,
    accessible: flag,
    freeSpace: { type: "integer", format: "int64", nullable: true },
    unmappedFolders: { type: "array", items: { $ref: "UnmappedFolder" }, nullable: true },
  }),
};

const downloadClient = providerResource("DownloadClientResource", {
  enable: flag,
  protocol: { $ref: "DownloadProtocol" },
  priority: int32,
  removeCompletedDownloads: flag,
  removeFailedDownloads: flag,
});

const mediaManagementCommon: Record<string, Schema> = {
  id: int32,
  recycleBin: text,
  recycleBinCleanupDays: int32,
  downloadPropersAndRepacks: { $ref: "ProperDownloadTypes" },
  deleteEmptyFolders: flag,
  fileDate: { $ref: "FileDateType" },
  rescanAfterRefresh: { $ref: "RescanAfterRefreshType" },
  setPermissionsLinux: flag,
  chmodFolder: text,
  chownGroup: text,
  skipFreeSpaceCheckWhenImporting: flag,
  minimumFreeSpaceWhenImporting: int32,
  copyUsingHardlinks: flag,
  useScriptImport: flag,
  scriptImportPath: text,
  importExtraFiles: flag,
  extraFileExtensions: text,
  enableMediaInfo: flag,
};

export const sonarrSchemas: SchemaRegistry = {
  ...shared,
  DownloadClientResource: downloadClient,
  IndexerResource: providerResource("IndexerResource", {
    enableRss: flag,
    enableAutomaticSearch: flag,
    enableInteractiveSearch: flag,
    supportsRss: flag,
    supportsSearch: flag,
    protocol: { $ref: "DownloadProtocol" },
    priority: int32,
    seasonSearchMaximumSingleEpisodeAge: int32,
    downloadClientId: int32,
  }),
  FileDateType: { type: "string", enum: ["none", "localAirDate", "utcAirDate"] },
  EpisodeTitleRequiredType: { type: "string", enum: ["always", "bulkSeasonReleases", "never"] },
  MediaManagementConfigResource: object({
    ...mediaManagementCommon,
    autoUnmonitorPreviouslyDownloadedEpisodes: flag,
    createEmptySeriesFolders: flag,
    episodeTitleRequired: { $ref: "EpisodeTitleRequiredType" },
  }),
};

export const radarrSchemas: SchemaRegistry = {
  ...shared,
  DownloadClientResource: downloadClient,
  IndexerResource: providerResource("IndexerResource", {
    enableRss: flag,
    enableAutomaticSearch: flag,
    enableInteractiveSearch: flag,
    supportsRss: flag,
    supportsSearch: flag,
    protocol: { $ref: "DownloadProtocol" },
    priority: int32,
    downloadClientId: int32,
  }),
  FileDateType: { type: "string", enum: ["none", "cinemas", "release"] },
  MediaManagementConfigResource: object({
    ...mediaManagementCommon,
    autoUnmonitorPreviouslyDownloadedMovies: flag,
    createEmptyMovieFolders: flag,
    autoRenameFolders: flag,
    pathsDefaultStatic: flag,
  }),
};

export const prowlarrSchemas: SchemaRegistry = {
  ...shared,
  ApplicationSyncLevel: { type: "string", enum: ["disabled", "addOnly", "fullSync"] },
  ApplicationResource: providerResource("ApplicationResource", {
    syncLevel: { $ref: "ApplicationSyncLevel" },
    testCommand: text,
  }),
};
