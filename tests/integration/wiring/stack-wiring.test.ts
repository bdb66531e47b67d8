// A MediaStack wires its apps end to end: the real qbittorrent-nox and the app fakes behind the stack's
// Service URLs (aliased to loopback, as the operator outside a cluster reaches them), Wired=True, one
// owned entry each through resyncs and a restart, user entries untouched, drift repaired, a wrong key named.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { V1Secret } from "@kubernetes/client-node";
import { QbittorrentClient } from "../../../operator/clients/qbittorrent/client.js";
import { appServiceUrl } from "../../../operator/controllers/mediastack/stack-settings.js";
import { builtinResources } from "../../../operator/framework/resource.js";
import type { Operator } from "../../../operator/framework/operator.js";
import type { MediaStack } from "../../../operator/generated/mediastack.js";
import { startQbittorrent, type QbittorrentInstance } from "../../cluster/qbittorrent.js";
import { startJellyfinFake, type JellyfinFake } from "../../fakes/jellyfin-fake.js";
import { startProwlarrFake } from "../../fakes/prowlarr-fake.js";
import { startArrFake } from "../../fakes/sonarr-radarr-fake.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import {
  api,
  createStack,
  getStack,
  provisionConfigVolumes,
  startMediaStackOperator,
  waitForCondition,
} from "../mediastack/stack-support.js";

const kubeConfig = testCluster();
/** The operator's and the fakes' view of the cluster network; a closed port for whatever is not up. */
const aliases = new Map<string, string>([["http://", "http://127.0.0.1:9/no-app-here/"]]);
let qbittorrent: QbittorrentInstance;
let operator: Operator;
let dataRoot: string;
const fakes: Array<{ stop(): Promise<void> }> = [];

function startOperator(): Promise<Operator> {
  return startMediaStackOperator(kubeConfig, {
    urlAliases: aliases,
    resyncSeconds: 2,
    wiringRetry: { baseMs: 300, capMs: 2_000 },
    wiringRequestTimeoutMs: 3_000,
  });
}

before(async () => {
  dataRoot = mkdtempSync(join(tmpdir(), "mediaplane-wiring-"));
  for (const dir of ["media/tv", "media/movies", "torrents/tv", "torrents/movies"]) {
    mkdirSync(join(dataRoot, dir), { recursive: true });
  }
  qbittorrent = await startQbittorrent();
  operator = await startOperator();
});

after(async () => {
  await operator?.stop();
  for (const fake of fakes) await fake.stop();
  await qbittorrent?.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

function decoded(secret: V1Secret, key: string): string {
  return Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8");
}

function wiringLinks(stack: MediaStack): Array<{ name: string; wired?: boolean; reason?: string }> {
  return stack.status?.wiring?.links ?? [];
}

function count(
  fake: { requests: Array<{ method: string; path: string }> },
  method: string,
  path: string,
): number {
  return fake.requests.filter((request) => request.method === method && request.path === path).length;
}

test("a MediaStack wires Prowlarr, Sonarr, Radarr, qBittorrent and Jellyfin and keeps them wired", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack: MediaStack = {
    apiVersion: "mediaplane.io/v1alpha1",
    kind: "MediaStack",
    metadata: { name: "home", namespace },
    spec: { storage: { data: { nfs: { server: "nas.example.org", path: "/media" } } } },
  };
  const url = (app: "prowlarr" | "sonarr" | "radarr" | "qbittorrent" | "jellyfin"): string =>
    appServiceUrl("home", namespace, app);
  // The stack keeps hand-written credentials: the ones this qbittorrent-nox was started with.
  await api.create(builtinResources.Secret, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "home-qbittorrent-credentials", namespace },
    type: "kubernetes.io/basic-auth",
    stringData: { username: qbittorrent.username, password: qbittorrent.password },
  });
  aliases.set(url("qbittorrent"), qbittorrent.url);
  await provisionConfigVolumes(t, stack);
  await createStack(t, stack);

  // The apps' pods would start with the generated keys from the stack's Secret: so do the fakes.
  const secret = await waitFor(
    async () => api.get<V1Secret>(builtinResources.Secret, namespace, "home-api-keys").catch(() => undefined),
    { what: "the api-keys Secret" },
  );
  const keys = {
    sonarr: decoded(secret, "sonarr-api-key"),
    radarr: decoded(secret, "radarr-api-key"),
    prowlarr: decoded(secret, "prowlarr-api-key"),
  };
  assert.match(keys.sonarr, /^[0-9a-f]{32}$/);
  const network = { aliases };
  const sonarr = await startArrFake({ app: "sonarr", apiKey: () => keys.sonarr, network, dataRoot });
  const radarr = await startArrFake({ app: "radarr", apiKey: () => keys.radarr, network, dataRoot });
  const prowlarr = await startProwlarrFake({ apiKey: () => keys.prowlarr, network });
  fakes.push(sonarr, radarr, prowlarr);
  aliases.set(url("sonarr"), sonarr.url);
  aliases.set(url("radarr"), radarr.url);
  aliases.set(url("prowlarr"), prowlarr.url);

  // Jellyfin never answers yet: Wired names it, everything else is wired meanwhile.
  const waiting = await waitForCondition(
    namespace,
    "home",
    "Wired",
    (c) => c.reason === "WaitingForJellyfin" && c.message.startsWith("7/9 links wired"),
    "Wired=False WaitingForJellyfin with the other seven links wired",
    90_000,
  );
  assert.equal(waiting.status?.conditions?.find((c) => c.type === "Wired")?.status, "False");
  assert.deepEqual(
    wiringLinks(waiting)
      .filter((link) => !link.wired)
      .map((link) => link.name),
    ["jellyfin-setup", "jellyfin-libraries"],
  );

  const jellyfin: JellyfinFake = await startJellyfinFake({ dataRoot });
  fakes.push(jellyfin);
  aliases.set(url("jellyfin"), jellyfin.url);
  const wired = await waitForCondition(
    namespace,
    "home",
    "Wired",
    (c) => c.status === "True",
    "Wired=True",
    60_000,
  );
  assert.equal(wired.status?.conditions?.find((c) => c.type === "Wired")?.reason, "Wired");
  assert.ok(
    wired.status?.apps?.filter((app) => app.name !== "qbittorrent").every((app) => app.wired === true),
  );

  // qBittorrent has the categories, saving under /data/torrents so hardlinks work.
  const client = new QbittorrentClient({ ...qbittorrent, timeoutMs: 5_000 });
  const categories = await client.categories();
  client.close();
  assert.equal(categories.tv?.savePath.replace(/\/$/, ""), "/data/torrents/tv");
  assert.equal(categories.movies?.savePath.replace(/\/$/, ""), "/data/torrents/movies");

  const owned = (): Record<string, string[]> => ({
    sonarr: sonarr.downloadClients.entries.map((entry) => entry.name),
    radarr: radarr.downloadClients.entries.map((entry) => entry.name),
    prowlarr: prowlarr.applications.entries.map((entry) => entry.name).sort(),
    sonarrFolders: sonarr.rootFolders.map((folder) => folder.path),
    radarrFolders: radarr.rootFolders.map((folder) => folder.path),
    libraries: jellyfin.state.libraries.map((library) => library.Name),
  });
  const expected = {
    sonarr: ["mediaplane-qbittorrent"],
    radarr: ["mediaplane-qbittorrent"],
    prowlarr: ["mediaplane-radarr", "mediaplane-sonarr"],
    sonarrFolders: ["/data/media/tv"],
    radarrFolders: ["/data/media/movies"],
    libraries: ["Movies", "Shows"],
  };
  assert.deepEqual(owned(), expected);
  assert.equal(sonarr.mediaManagement.copyUsingHardlinks, true);
  assert.equal(radarr.mediaManagement.copyUsingHardlinks, true);
  const application = prowlarr.applications.entries.find((entry) => entry.name === "mediaplane-sonarr");
  assert.equal(application?.settings.prowlarrUrl, url("prowlarr"));
  assert.equal(application?.settings.baseUrl, url("sonarr"));
  assert.equal(
    sonarr.downloadClients.entries[0]?.settings.host,
    `home-qbittorrent.${namespace}.svc.cluster.local`,
  );
  assert.equal(jellyfin.state.wizardCompleted, true);
  assert.equal(jellyfin.state.user.name, "mediaplane-admin");
  const stored = await api.get<V1Secret>(builtinResources.Secret, namespace, "home-api-keys");
  assert.equal(decoded(stored, "jellyfin-api-key"), jellyfin.state.apiKeys[0]?.AccessToken);
  assert.ok(
    !JSON.stringify((await getStack(namespace, "home")).status).includes(keys.sonarr),
    "no key in status",
  );

  // Three resyncs, an operator restart and three more: nothing is written again.
  const writes = (): number =>
    count(sonarr, "POST", "/api/v3/downloadclient") +
    count(radarr, "POST", "/api/v3/downloadclient") +
    count(prowlarr, "POST", "/api/v1/applications") +
    sonarr.requests.filter((request) => request.method === "PUT").length +
    prowlarr.requests.filter((request) => request.method === "PUT").length;
  const writesBefore = writes();
  const resyncs = async (what: string): Promise<void> => {
    const seen = count(sonarr, "GET", "/api/v3/downloadclient");
    await waitFor(() => count(sonarr, "GET", "/api/v3/downloadclient") >= seen + 3, {
      what,
      timeoutMs: 60_000,
    });
  };
  await resyncs("three resyncs");
  await operator.stop();
  operator = await startOperator();
  await resyncs("three resyncs after the restart");
  assert.equal(writes(), writesBefore, "idempotent: no POST or PUT after the first wiring");
  assert.deepEqual(owned(), expected);

  // A user's own download client stays; an owned one deleted by hand comes back.
  const userClient = await fetch(`${sonarr.url}/api/v3/downloadclient`, {
    method: "POST",
    headers: { "X-Api-Key": keys.sonarr, "Content-Type": "application/json" },
    body: JSON.stringify({
      name: "my-qbittorrent",
      implementation: "QBittorrent",
      configContract: "QBittorrentSettings",
      enable: true,
      protocol: "torrent",
      priority: 5,
      fields: [
        { name: "host", value: `home-qbittorrent.${namespace}.svc.cluster.local` },
        { name: "port", value: 8080 },
        { name: "username", value: qbittorrent.username },
        { name: "password", value: qbittorrent.password },
        { name: "tvCategory", value: "tv-mine" },
      ],
    }),
  });
  assert.equal(userClient.status, 201);
  const ownedId = radarr.downloadClients.entries[0]?.id;
  assert.equal(
    (
      await fetch(`${radarr.url}/api/v3/downloadclient/${ownedId}`, {
        method: "DELETE",
        headers: { "X-Api-Key": keys.radarr },
      })
    ).status,
    200,
  );
  await waitFor(
    () => radarr.downloadClients.entries.some((entry) => entry.name === "mediaplane-qbittorrent"),
    {
      what: "the deleted download client to be back",
      timeoutMs: 60_000,
    },
  );
  await resyncs("a resync after the repair");
  const userEntry = sonarr.downloadClients.entries.find((entry) => entry.name === "my-qbittorrent");
  assert.equal(userEntry?.extra.priority, 5, "the user's entry is untouched");
  assert.equal(sonarr.downloadClients.entries.length, 2);

  // A wrong key in the Secret: Sonarr refuses it and Wired says so.
  await api.patch(
    builtinResources.Secret,
    namespace,
    "home-api-keys",
    { data: { "sonarr-api-key": Buffer.from("0".repeat(32)).toString("base64") } },
    "application/merge-patch+json",
  );
  const refused = await waitForCondition(
    namespace,
    "home",
    "Wired",
    (c) => c.reason === "SonarrRejectedApiKey",
    "Wired=False SonarrRejectedApiKey",
    60_000,
  );
  assert.equal(refused.status?.conditions?.find((c) => c.type === "Wired")?.status, "False");
  assert.ok(!JSON.stringify(refused.status).includes("0".repeat(32)));
});
