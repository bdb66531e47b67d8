// A fake Prowlarr (API v1) for the wiring tests: applications with Prowlarr's save-time test, which
// POSTs a Newznab indexer to the app's /api/v3/indexer/test at the baseUrl given, with the apiKey
// given; the app calls back Prowlarr's own newznab endpoint (/{id}/api?t=caps) at prowlarrUrl.
import { prowlarrSchemas } from "./arr-openapi-schemas.js";
import { exporterReadRoutes } from "./exporter-reads.js";
import {
  resolveInNetwork,
  startFakeServer,
  type FakeListenAddress,
  type FakeNetwork,
  type FakeRoute,
  type RunningFake,
} from "./fake-http.js";
import { ProviderCollection, type StoredProvider, type ValidationFailure } from "./provider-collection.js";
import { prowlarrApplications } from "./provider-definitions.js";
import { apiKeyAccepted, fakeVersions } from "./sonarr-radarr-fake.js";

export interface ProwlarrFakeOptions {
  readonly apiKey: () => string;
  readonly network: FakeNetwork;
  readonly listen?: FakeListenAddress;
}

export interface ProwlarrFake extends RunningFake {
  readonly applications: ProviderCollection;
}

function validUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function settingsRules(provider: StoredProvider): ValidationFailure[] {
  const list: ValidationFailure[] = [];
  if (!validUrl(provider.settings.baseUrl))
    list.push({ propertyName: "BaseUrl", errorMessage: "Invalid Url" });
  if (!validUrl(provider.settings.prowlarrUrl))
    list.push({ propertyName: "ProwlarrUrl", errorMessage: "Invalid Url" });
  if (typeof provider.settings.apiKey !== "string" || provider.settings.apiKey === "") {
    list.push({ propertyName: "ApiKey", errorMessage: "'Api Key' must not be empty." });
  }
  return list;
}

/** Prowlarr's application test (Sonarr.Test / Radarr.Test) and how it reads the app's answer. */
async function testApplication(
  network: FakeNetwork,
  prowlarrKey: string,
  provider: StoredProvider,
): Promise<ValidationFailure[]> {
  const app = provider.implementation;
  const settings = provider.settings;
  const indexer = {
    id: 0,
    name: "Test (Prowlarr)",
    enableRss: true,
    enableAutomaticSearch: true,
    enableInteractiveSearch: true,
    priority: 25,
    implementation: "Newznab",
    configContract: "NewznabSettings",
    protocol: "usenet",
    tags: [],
    fields: [
      { name: "baseUrl", value: `${String(settings.prowlarrUrl).replace(/\/+$/, "")}/0/` },
      { name: "apiPath", value: "/api" },
      { name: "apiKey", value: prowlarrKey },
      { name: "categories", value: settings.syncCategories },
    ],
  };
  try {
    const answer = await fetch(
      resolveInNetwork(network, `${String(settings.baseUrl).replace(/\/+$/, "")}/api/v3/indexer/test`),
      {
        method: "POST",
        headers: { "X-Api-Key": String(settings.apiKey), "Content-Type": "application/json" },
        body: JSON.stringify(indexer),
      },
    );
    await answer.text();
    if (answer.status === 401) return [{ propertyName: "ApiKey", errorMessage: "API Key is invalid" }];
    if (answer.status === 400) {
      return [
        {
          propertyName: "ProwlarrUrl",
          errorMessage: `Prowlarr URL is invalid, ${app} cannot connect to Prowlarr`,
        },
      ];
    }
    if (answer.status === 404) {
      return [
        {
          propertyName: "BaseUrl",
          errorMessage: `${app} URL is invalid, Prowlarr cannot connect to ${app}. Is ${app} running and accessible?`,
        },
      ];
    }
    if (answer.status !== 200) {
      return [
        {
          propertyName: "BaseUrl",
          errorMessage: `Unable to complete application test, cannot connect to ${app}. HTTP ${answer.status}`,
        },
      ];
    }
    if (answer.headers.get("x-application-version") === null) {
      return [{ propertyName: "", errorMessage: `Failed to fetch ${app} version` }];
    }
    return [];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      {
        propertyName: "BaseUrl",
        errorMessage: `Unable to complete application test, cannot connect to ${app}. ${reason}`,
      },
    ];
  }
}

const capsXml =
  '<?xml version="1.0" encoding="UTF-8"?><caps><server title="Prowlarr" /><searching><search available="yes" supportedParams="q" /></searching><categories><category id="2000" name="Movies" /><category id="5000" name="TV" /></categories></caps>';

export async function startProwlarrFake(options: ProwlarrFakeOptions): Promise<ProwlarrFake> {
  const applications = new ProviderCollection({
    basePath: "/api/v1/applications",
    schemaName: "ApplicationResource",
    schemas: prowlarrSchemas,
    definitions: prowlarrApplications,
    extraDefaults: { syncLevel: "addOnly" },
    enabled: (provider) => provider.extra.syncLevel !== "disabled",
    validateSettings: settingsRules,
    test: (provider) => testApplication(options.network, options.apiKey(), provider),
  });
  const routes: FakeRoute[] = [
    { method: "GET", path: "/ping", handler: () => ({ status: 200, body: { status: "OK" } }) },
    ...applications.routes(),
    {
      method: "GET",
      path: "/:indexerId/api",
      handler: (request) =>
        request.query.get("t") === "caps"
          ? { status: 200, body: capsXml, headers: { "Content-Type": "application/xml" } }
          : { status: 400, body: '<error code="202" description="No such function" />' },
    },
    ...exporterReadRoutes("prowlarr", fakeVersions.prowlarr),
  ];
  const server = await startFakeServer(routes, {
    headers: { "X-Application-Version": fakeVersions.prowlarr },
    ...(options.listen ? { listen: options.listen } : {}),
    before: (request, route) =>
      route.path === "/ping" || apiKeyAccepted(request, options.apiKey()) ? undefined : { status: 401 },
  });
  return { ...server, applications };
}
