// A fake Sonarr or Radarr (API v3) for the wiring tests, from the apps' OpenAPI spec and validators:
// download clients (save-time test against the real qBittorrent or transmission-daemon), root folders, media management,
// and /api/v3/indexer/test, which calls the indexer (Prowlarr) at the baseUrl it is given.
import { accessSync, constants, statSync } from "node:fs";
import { join } from "node:path";
import { validate } from "./openapi-schema.js";
import { radarrSchemas, sonarrSchemas } from "./arr-openapi-schemas.js";
import {
  resolveInNetwork,
  startFakeServer,
  type FakeAnswer,
  type FakeListenAddress,
  type FakeNetwork,
  type FakeRequest,
  type FakeRoute,
  type RunningFake,
} from "./fake-http.js";
import { ProviderCollection, type StoredProvider, type ValidationFailure } from "./provider-collection.js";
import { newznabIndexer, radarrDownloadClients, sonarrDownloadClients } from "./provider-definitions.js";
import { exporterReadRoutes } from "./exporter-reads.js";
import { asText, testQbittorrentConnection } from "./qbittorrent-login-test.js";
import { testTransmissionConnection } from "./transmission-rpc-test.js";

export interface ArrFakeOptions {
  readonly app: "sonarr" | "radarr";
  /** The key the app runs with (SONARR__AUTH__APIKEY); read on every request, so a test can change it. */
  readonly apiKey: () => string;
  readonly network: FakeNetwork;
  /** Where the pod's /data is on this machine: root folders must exist and be writable under it. */
  readonly dataRoot: string;
  readonly listen?: FakeListenAddress;
}

export interface ArrFake extends RunningFake {
  readonly downloadClients: ProviderCollection;
  readonly rootFolders: Array<{ id: number; path: string }>;
  readonly mediaManagement: Record<string, unknown>;
}

export const fakeVersions = { sonarr: "4.0.19.2979", radarr: "6.2.1.10461", prowlarr: "2.5.2.5491" } as const;

function failures(list: readonly ValidationFailure[]): FakeAnswer {
  return {
    status: 400,
    body: list.map((failure) => ({ ...failure, severity: "error", isWarning: false })),
  };
}

/** The apps take the key in X-Api-Key or ?apikey= and answer 401 with no body otherwise. */
export function apiKeyAccepted(request: FakeRequest, key: string): boolean {
  const given = request.headers["x-api-key"] ?? request.query.get("apikey");
  return given === key;
}

function settingsRules(provider: StoredProvider, categoryField: string): ValidationFailure[] {
  const settings = provider.settings;
  const list: ValidationFailure[] = [];
  if (typeof settings.host !== "string" || !/^[A-Za-z0-9.:[\]-]+$/.test(settings.host)) {
    list.push({ propertyName: "Host", errorMessage: "Invalid Host" });
  }
  if (
    !Number.isInteger(settings.port) ||
    (settings.port as number) < 1 ||
    (settings.port as number) > 65535
  ) {
    list.push({ propertyName: "Port", errorMessage: "'Port' must be between 1 and 65535." });
  }
  const category = settings[categoryField];
  if (provider.implementation === "Transmission") {
    // TransmissionSettingsValidator: the category is a subdirectory name, and excludes a directory.
    if (typeof category === "string" && !/^\.?[-a-z]*$/i.test(category)) {
      list.push({ propertyName: categoryField, errorMessage: "Allowed characters a-z and -" });
    }
    const directory = settings[categoryField.replace("Category", "Directory")];
    if (
      typeof category === "string" &&
      category !== "" &&
      typeof directory === "string" &&
      directory.trim() !== ""
    ) {
      list.push({ propertyName: categoryField, errorMessage: "Cannot use Category and Directory" });
    }
    return list;
  }
  if (typeof category === "string" && !/^([^\\/](\/?[^\\/])*)?$/.test(category)) {
    list.push({
      propertyName: categoryField,
      errorMessage: "Can not contain '\\', '//', or start/end with '/'",
    });
  }
  if (typeof settings.apiKey === "string" && settings.apiKey !== "" && settings.username) {
    list.push({ propertyName: "Username", errorMessage: "Username must be empty when using API Key." });
  }
  return list;
}

function defaultMediaManagement(app: "sonarr" | "radarr"): Record<string, unknown> {
  const common = {
    id: 1,
    recycleBin: "",
    recycleBinCleanupDays: 7,
    downloadPropersAndRepacks: "preferAndUpgrade",
    deleteEmptyFolders: false,
    fileDate: "none",
    rescanAfterRefresh: "always",
    setPermissionsLinux: false,
    chmodFolder: "755",
    chownGroup: "",
    skipFreeSpaceCheckWhenImporting: false,
    minimumFreeSpaceWhenImporting: 100,
    copyUsingHardlinks: false,
    useScriptImport: false,
    scriptImportPath: "",
    importExtraFiles: false,
    extraFileExtensions: "srt",
    enableMediaInfo: true,
  };
  return app === "sonarr"
    ? {
        ...common,
        autoUnmonitorPreviouslyDownloadedEpisodes: false,
        createEmptySeriesFolders: false,
        episodeTitleRequired: "always",
      }
    : {
        ...common,
        autoUnmonitorPreviouslyDownloadedMovies: false,
        createEmptyMovieFolders: false,
        autoRenameFolders: false,
        pathsDefaultStatic: false,
      };
}

/** What Sonarr's indexer test does with a Newznab indexer: ask its caps at baseUrl + apiPath. */
async function testIndexer(
  network: FakeNetwork,
  body: Record<string, unknown>,
): Promise<ValidationFailure[]> {
  if (body.implementation !== newznabIndexer.implementation && body.implementation !== "Torznab") {
    return [
      {
        propertyName: "Implementation",
        errorMessage: `Unknown implementation ${String(body.implementation)}`,
      },
    ];
  }
  const fields = (body.fields ?? []) as Array<{ name?: string; value?: unknown }>;
  const value = (name: string): string => asText(fields.find((field) => field.name === name)?.value);
  const url = `${value("baseUrl").replace(/\/+$/, "")}${value("apiPath") || "/api"}?t=caps&apikey=${encodeURIComponent(value("apiKey"))}`;
  try {
    const answer = await fetch(resolveInNetwork(network, url));
    const text = await answer.text();
    if (answer.status === 401) return [{ propertyName: "ApiKey", errorMessage: "Invalid API Key" }];
    if (answer.status !== 200 || !text.includes("<caps")) {
      return [
        { propertyName: "BaseUrl", errorMessage: `Unable to connect to indexer: HTTP ${answer.status}` },
      ];
    }
    return [];
  } catch (error) {
    return [
      {
        propertyName: "BaseUrl",
        errorMessage: `Unable to connect to indexer, check the log above the ValidationFailure for more details (${error instanceof Error ? error.message : String(error)})`,
      },
    ];
  }
}

export async function startArrFake(options: ArrFakeOptions): Promise<ArrFake> {
  const schemas = options.app === "sonarr" ? sonarrSchemas : radarrSchemas;
  const categoryField = options.app === "sonarr" ? "tvCategory" : "movieCategory";
  const downloadClients = new ProviderCollection({
    basePath: "/api/v3/downloadclient",
    schemaName: "DownloadClientResource",
    schemas,
    definitions: options.app === "sonarr" ? sonarrDownloadClients : radarrDownloadClients,
    extraDefaults: {
      enable: true,
      protocol: "torrent",
      priority: 1,
      removeCompletedDownloads: true,
      removeFailedDownloads: true,
    },
    enabled: (provider) => provider.extra.enable === true,
    validateSettings: (provider) => settingsRules(provider, categoryField),
    test: (provider) =>
      provider.implementation === "Transmission"
        ? testTransmissionConnection(options.network, provider.settings)
        : testQbittorrentConnection(options.network, provider.settings, categoryField),
  });
  const rootFolders: Array<{ id: number; path: string }> = [];
  let nextRootFolderId = 1;
  const mediaManagement = defaultMediaManagement(options.app);

  const routes: FakeRoute[] = [
    { method: "GET", path: "/ping", handler: () => ({ status: 200, body: { status: "OK" } }) },
    ...downloadClients.routes(),
    {
      method: "GET",
      path: "/api/v3/rootfolder",
      handler: () => ({
        status: 200,
        body: rootFolders.map((folder) => ({
          ...folder,
          accessible: true,
          freeSpace: 1 << 30,
          unmappedFolders: [],
        })),
      }),
    },
    {
      method: "POST",
      path: "/api/v3/rootfolder",
      handler: (request) => {
        const errors = validate(request.body, { $ref: "RootFolderResource" }, schemas);
        if (errors.length > 0)
          return failures(errors.map((error) => ({ propertyName: "", errorMessage: error })));
        const path = asText((request.body as { path?: unknown }).path).replace(/\/+$/, "");
        if (!path.startsWith("/")) return failures([{ propertyName: "Path", errorMessage: "Invalid Path" }]);
        if (rootFolders.some((folder) => folder.path === path)) {
          return failures([
            { propertyName: "Path", errorMessage: "Path is already configured as a root folder" },
          ]);
        }
        const local =
          path === "/data" || path.startsWith("/data/") ? join(options.dataRoot, path.slice(5)) : undefined;
        try {
          if (local === undefined || !statSync(local).isDirectory()) throw new Error("missing");
          accessSync(local, constants.W_OK);
        } catch {
          return failures([
            { propertyName: "Path", errorMessage: `Folder '${path}' does not exist or is not writable` },
          ]);
        }
        const folder = { id: nextRootFolderId++, path };
        rootFolders.push(folder);
        return {
          status: 201,
          body: { ...folder, accessible: true, freeSpace: 1 << 30, unmappedFolders: [] },
        };
      },
    },
    {
      method: "DELETE",
      path: "/api/v3/rootfolder/:id",
      handler: (request) => {
        const index = rootFolders.findIndex((folder) => String(folder.id) === request.params.id);
        if (index !== -1) rootFolders.splice(index, 1);
        return { status: 200, body: {} };
      },
    },
    {
      method: "GET",
      path: "/api/v3/config/mediamanagement",
      handler: () => ({ status: 200, body: mediaManagement }),
    },
    {
      method: "PUT",
      path: "/api/v3/config/mediamanagement/:id",
      handler: (request) => {
        const errors = validate(request.body, { $ref: "MediaManagementConfigResource" }, schemas);
        if (errors.length > 0)
          return failures(errors.map((error) => ({ propertyName: "", errorMessage: error })));
        Object.assign(mediaManagement, request.body as Record<string, unknown>, { id: 1 });
        return { status: 202, body: mediaManagement };
      },
    },
    {
      method: "POST",
      path: "/api/v3/indexer/test",
      handler: async (request) => {
        const errors = validate(request.body, { $ref: "IndexerResource" }, schemas);
        if (errors.length > 0)
          return failures(errors.map((error) => ({ propertyName: "", errorMessage: error })));
        const problems = await testIndexer(options.network, request.body as Record<string, unknown>);
        return problems.length > 0 ? failures(problems) : { status: 200, body: {} };
      },
    },
    ...exporterReadRoutes(options.app, fakeVersions[options.app]),
  ];
  const version = fakeVersions[options.app];
  const server = await startFakeServer(routes, {
    headers: { "X-Application-Version": version },
    ...(options.listen ? { listen: options.listen } : {}),
    before: (request, route) =>
      route.path === "/ping" || apiKeyAccepted(request, options.apiKey()) ? undefined : { status: 401 },
  });
  return { ...server, downloadClients, rootFolders, mediaManagement };
}
