// The fakes hold to the apps' contracts before any wiring test trusts them: requests built from the
// OpenAPI schemas' own property names, 401 for a bad key, 400 for unknown properties, wrong types and
// failed save-time tests, masked secrets, and save-time tests that reach the real qbittorrent-nox and
// transmission-daemon; Bazarr's settings API with its key check, casts and validators.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { QbittorrentClient } from "../../../operator/clients/qbittorrent/client.js";
import { startQbittorrent, type QbittorrentInstance } from "../../cluster/qbittorrent.js";
import { startTransmission, type TransmissionInstance } from "../../cluster/transmission.js";
import { startBazarrFake, type BazarrFake } from "../../fakes/bazarr-fake.js";
import { startJellyfinFake, type JellyfinFake } from "../../fakes/jellyfin-fake.js";
import { startProwlarrFake, type ProwlarrFake } from "../../fakes/prowlarr-fake.js";
import { startArrFake, type ArrFake } from "../../fakes/sonarr-radarr-fake.js";

const sonarrKey = "5a0e4d1b2c3f4a5b6c7d8e9f0a1b2c3d";
const prowlarrKey = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const aliases = new Map<string, string>();
let qbittorrent: QbittorrentInstance;
let transmission: TransmissionInstance;
let bazarr: BazarrFake;
const bazarrKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
let sonarr: ArrFake;
let prowlarr: ProwlarrFake;
let jellyfin: JellyfinFake;
let dataRoot: string;

before(async () => {
  dataRoot = mkdtempSync(join(tmpdir(), "mediaplane-fakes-"));
  mkdirSync(join(dataRoot, "media", "tv"), { recursive: true });
  qbittorrent = await startQbittorrent();
  aliases.set("http://qbittorrent.test.svc:8080", qbittorrent.url);
  sonarr = await startArrFake({ app: "sonarr", apiKey: () => sonarrKey, network: { aliases }, dataRoot });
  prowlarr = await startProwlarrFake({ apiKey: () => prowlarrKey, network: { aliases } });
  aliases.set("http://sonarr.test.svc:8989", sonarr.url);
  aliases.set("http://prowlarr.test.svc:9696", prowlarr.url);
  jellyfin = await startJellyfinFake({ dataRoot });
  transmission = await startTransmission();
  aliases.set("http://transmission.test.svc:9091", transmission.url);
  bazarr = await startBazarrFake({ apiKey: () => bazarrKey });
});

after(async () => {
  await Promise.all([sonarr?.stop(), prowlarr?.stop(), jellyfin?.stop(), bazarr?.stop()]);
  await qbittorrent?.stop();
  await transmission?.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

async function call(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.key !== undefined ? { "X-Api-Key": options.key } : {}),
      ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await answer.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: answer.status, body };
}

/** A DownloadClientResource using only the schema's property names and QBittorrentSettings' fields. */
function downloadClient(name: string, password: string, category: string): Record<string, unknown> {
  return {
    name,
    implementation: "QBittorrent",
    configContract: "QBittorrentSettings",
    enable: true,
    protocol: "torrent",
    priority: 1,
    removeCompletedDownloads: true,
    removeFailedDownloads: true,
    tags: [],
    fields: [
      { name: "host", value: "qbittorrent.test.svc" },
      { name: "port", value: 8080 },
      { name: "useSsl", value: false },
      { name: "username", value: qbittorrent.username },
      { name: "password", value: password },
      { name: "tvCategory", value: category },
    ],
  };
}

test("the *arr fakes answer /ping without a key and 401 to a missing or wrong key", async () => {
  assert.equal((await call(sonarr.url, "GET", "/ping")).status, 200);
  assert.equal((await call(sonarr.url, "GET", "/api/v3/downloadclient")).status, 401);
  assert.equal((await call(sonarr.url, "GET", "/api/v3/downloadclient", { key: "wrong" })).status, 401);
  assert.equal((await call(prowlarr.url, "GET", "/api/v1/applications", { key: sonarrKey })).status, 401);
  assert.equal((await call(sonarr.url, "GET", "/api/v3/downloadclient", { key: sonarrKey })).status, 200);
});

test("a download client is saved only after logging into the real qBittorrent, which then has the category", async () => {
  const refused = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: downloadClient("wrong-password", "not-the-password", "tv-contract"),
  });
  assert.equal(refused.status, 400);
  assert.match(JSON.stringify(refused.body), /Authentication failure/);

  const saved = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: downloadClient("contract", qbittorrent.password, "tv-contract"),
  });
  assert.equal(saved.status, 201);
  const client = new QbittorrentClient({ ...qbittorrent, timeoutMs: 5_000 });
  assert.ok((await client.categories())["tv-contract"], "the save-time test created the category");
  client.close();

  const [listed] = (await call(sonarr.url, "GET", "/api/v3/downloadclient", { key: sonarrKey }))
    .body as Array<{
    id: number;
    fields: Array<{ name: string; value: unknown }>;
  }>;
  assert.equal(listed?.fields.find((field) => field.name === "password")?.value, "********");
  assert.ok(!JSON.stringify(listed).includes(qbittorrent.password));

  // Sending the mask back keeps the stored password: the PUT's test still logs in.
  const resent = { ...downloadClient("contract", "********", "tv-contract"), priority: 2 };
  assert.equal(
    (await call(sonarr.url, "PUT", `/api/v3/downloadclient/${listed?.id}`, { key: sonarrKey, body: resent }))
      .status,
    202,
  );
  const duplicate = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: downloadClient("Contract", qbittorrent.password, "tv-contract"),
  });
  assert.equal(duplicate.status, 400);
  assert.match(JSON.stringify(duplicate.body), /Should be unique/);
});

test("unknown properties and wrong types are 400s, as the spec's additionalProperties: false says", async () => {
  const unknown = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: { ...downloadClient("extra", qbittorrent.password, "tv"), category: "tv" },
  });
  assert.equal(unknown.status, 400);
  assert.match(JSON.stringify(unknown.body), /category: unknown property/);
  const wrongType = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: { ...downloadClient("typed", qbittorrent.password, "tv"), priority: "high" },
  });
  assert.equal(wrongType.status, 400);
  const noName = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: { ...downloadClient("", qbittorrent.password, "tv") },
  });
  assert.equal(noName.status, 400);
  assert.match(JSON.stringify(noName.body), /Name/);
});

test("root folders must exist and be unique", async () => {
  const missing = await call(sonarr.url, "POST", "/api/v3/rootfolder", {
    key: sonarrKey,
    body: { path: "/data/media/anime" },
  });
  assert.equal(missing.status, 400);
  assert.equal(
    (
      await call(sonarr.url, "POST", "/api/v3/rootfolder", {
        key: sonarrKey,
        body: { path: "/data/media/tv" },
      })
    ).status,
    201,
  );
  assert.equal(
    (
      await call(sonarr.url, "POST", "/api/v3/rootfolder", {
        key: sonarrKey,
        body: { path: "/data/media/tv" },
      })
    ).status,
    400,
  );
});

test("Prowlarr's application test calls the app's indexer test, which calls Prowlarr back", async () => {
  const application = (apiKey: string): Record<string, unknown> => ({
    name: "contract-sonarr",
    implementation: "Sonarr",
    configContract: "SonarrSettings",
    syncLevel: "fullSync",
    tags: [],
    fields: [
      { name: "prowlarrUrl", value: "http://prowlarr.test.svc:9696" },
      { name: "baseUrl", value: "http://sonarr.test.svc:8989" },
      { name: "apiKey", value: apiKey },
    ],
  });
  const wrongKey = await call(prowlarr.url, "POST", "/api/v1/applications", {
    key: prowlarrKey,
    body: application("wrong"),
  });
  assert.equal(wrongKey.status, 400);
  assert.match(JSON.stringify(wrongKey.body), /"propertyName":"ApiKey"/);
  const before = prowlarr.requests.filter((request) => request.path === "/0/api").length;
  const saved = await call(prowlarr.url, "POST", "/api/v1/applications", {
    key: prowlarrKey,
    body: application(sonarrKey),
  });
  assert.equal(saved.status, 201);
  assert.ok(
    sonarr.requests.some((request) => request.path === "/api/v3/indexer/test" && request.status === 200),
  );
  assert.equal(prowlarr.requests.filter((request) => request.path === "/0/api").length, before + 1);
});

test("Jellyfin's wizard is open to anyone until completed, then admin-only", async () => {
  const post = (path: string, body?: unknown): Promise<{ status: number; body: unknown }> =>
    call(jellyfin.url, "POST", path, body !== undefined ? { body } : {});
  assert.equal((await post("/Startup/User", { Name: "admin", Password: "pw", Role: "x" })).status, 400);
  assert.equal((await post("/Startup/User", { Name: "admin", Password: "pw" })).status, 204);
  assert.equal((await post("/Startup/Complete")).status, 204);
  assert.equal((await post("/Startup/User", { Name: "intruder", Password: "pw2" })).status, 401);
  assert.equal(jellyfin.state.user.name, "admin");
});

/** A DownloadClientResource with TransmissionSettings' fields (TransmissionSettings.cs). */
function transmissionClient(
  name: string,
  password: string,
  urlBase = "/transmission/",
): Record<string, unknown> {
  return {
    name,
    implementation: "Transmission",
    configContract: "TransmissionSettings",
    enable: true,
    protocol: "torrent",
    priority: 1,
    tags: [],
    fields: [
      { name: "host", value: "transmission.test.svc" },
      { name: "port", value: 9091 },
      { name: "useSsl", value: false },
      { name: "urlBase", value: urlBase },
      { name: "username", value: transmission.username },
      { name: "password", value: password },
      { name: "tvCategory", value: "tv" },
    ],
  };
}

test("a Transmission download client is saved only after the real transmission-daemon's RPC handshake and login", async () => {
  const wrongPassword = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: transmissionClient("transmission-wrong", "not-the-password"),
  });
  assert.equal(wrongPassword.status, 400);
  assert.match(JSON.stringify(wrongPassword.body), /Authentication failure/);
  // The daemon answers only under its url base: elsewhere there is no 409 handshake.
  const wrongBase = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: transmissionClient("transmission-base", transmission.password, "/elsewhere/"),
  });
  assert.equal(wrongBase.status, 400);
  const category = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: {
      ...transmissionClient("transmission-category", transmission.password),
      fields: [
        ...(transmissionClient("x", transmission.password).fields as object[]).slice(0, 6),
        { name: "tvCategory", value: "tv/shows" },
      ],
    },
  });
  assert.equal(category.status, 400);
  assert.match(JSON.stringify(category.body), /Allowed characters a-z and -/);

  const saved = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: transmissionClient("transmission-contract", transmission.password),
  });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  const listed = (
    (await call(sonarr.url, "GET", "/api/v3/downloadclient", { key: sonarrKey })).body as Array<{
      name: string;
      fields: Array<{ name: string; value: unknown }>;
    }>
  ).find((entry) => entry.name === "transmission-contract");
  assert.equal(listed?.fields.find((field) => field.name === "password")?.value, "********");
  assert.equal(listed?.fields.find((field) => field.name === "urlBase")?.value, "/transmission/");
  assert.ok(!JSON.stringify(listed).includes(transmission.password));

  // With the daemon gone, the save-time test cannot connect.
  await transmission.stop();
  const down = await call(sonarr.url, "POST", "/api/v3/downloadclient", {
    key: sonarrKey,
    body: transmissionClient("transmission-down", transmission.password),
  });
  assert.equal(down.status, 400);
  assert.match(JSON.stringify(down.body), /Unable to connect to Transmission/);
  transmission = await startTransmission();
  aliases.set("http://transmission.test.svc:9091", transmission.url);
});

async function bazarrPost(form: Record<string, string>, key = bazarrKey): Promise<number> {
  const answer = await fetch(`${bazarr.url}/api/system/settings`, {
    method: "POST",
    headers: { "X-API-KEY": key, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  await answer.text();
  return answer.status;
}

test("Bazarr's settings API: ping without a key, 401 otherwise, form fields cast and validated as save_settings does", async () => {
  assert.equal((await fetch(`${bazarr.url}/api/system/ping`)).status, 200);
  assert.equal((await fetch(`${bazarr.url}/api/system/settings`)).status, 401);
  assert.equal((await fetch(`${bazarr.url}/api/system/settings?apikey=${bazarrKey}`)).status, 200);
  assert.equal(await bazarrPost({ "settings-sonarr-port": "8989" }, "wrong"), 401);
  // The fields Bazarr's Sonarr settings page sends (save_settings' sonarr_changed keys).
  assert.equal(
    await bazarrPost({
      "settings-general-use_sonarr": "true",
      "settings-sonarr-ip": "sonarr.test.svc",
      "settings-sonarr-port": "8989",
      "settings-sonarr-base_url": "//",
      "settings-sonarr-ssl": "false",
      "settings-sonarr-apikey": sonarrKey,
    }),
    204,
  );
  assert.equal(bazarr.settings.general.use_sonarr, true);
  assert.equal(bazarr.settings.sonarr.port, 8989, "digits become an integer");
  assert.equal(bazarr.settings.sonarr.base_url, "/", "base_url_slash_cleaner");
  assert.equal(bazarr.settings.sonarr.ssl, false);
  // A port out of range fails the validators: Bazarr reloads its settings and answers 406.
  assert.equal(await bazarrPost({ "settings-sonarr-port": "70000" }), 406);
  assert.equal(bazarr.settings.sonarr.port, 8989, "nothing of a refused save is kept");
  assert.equal(await bazarrPost({ "settings-sonarr-host": "sonarr.test.svc" }), 400);
});
