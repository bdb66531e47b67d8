// The opt-in apps' links end to end: Bazarr connected to Sonarr and Radarr, the real transmission-daemon
// as the stack's downloader; the CEL refusal of two downloaders without wiring.downloader, and a
// disabled downloader that plans no download client. (An app that never answers: stack-wiring.test.ts.)
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { V1Secret } from "@kubernetes/client-node";
import { TransmissionClient } from "../../../operator/clients/transmission/client.js";
import { appServiceUrl } from "../../../operator/controllers/mediastack/stack-settings.js";
import { KubeApiError } from "../../../operator/framework/kube-api.js";
import { builtinResources } from "../../../operator/framework/resource.js";
import type { Operator } from "../../../operator/framework/operator.js";
import type { MediaStack } from "../../../operator/generated/mediastack.js";
import { startTransmission, type TransmissionInstance } from "../../cluster/transmission.js";
import { startBazarrFake } from "../../fakes/bazarr-fake.js";
import { resolveInNetwork } from "../../fakes/fake-http.js";
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
const aliases = new Map<string, string>([["http://", "http://127.0.0.1:9/no-app-here/"]]);
const network = { aliases };
let operator: Operator;
let dataRoot: string;
const stoppers: Array<{ stop(): Promise<void> }> = [];

before(async () => {
  dataRoot = mkdtempSync(join(tmpdir(), "mediaplane-optional-links-"));
  for (const dir of ["media/tv", "media/movies", "media/music", "torrents"]) {
    mkdirSync(join(dataRoot, dir), { recursive: true });
  }
  operator = await startOperator();
});

function startOperator(): Promise<Operator> {
  return startMediaStackOperator(kubeConfig, {
    urlAliases: aliases,
    resyncSeconds: 2,
    wiringRetry: { baseMs: 300, capMs: 2_000 },
    wiringRequestTimeoutMs: 3_000,
  });
}

after(async () => {
  await operator?.stop();
  for (const stopper of stoppers) await stopper.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

function decoded(secret: V1Secret, key: string): string {
  return Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8");
}

async function apiKeysOf(namespace: string, stack: string): Promise<V1Secret> {
  return waitFor(
    async () =>
      api.get<V1Secret>(builtinResources.Secret, namespace, `${stack}-api-keys`).catch(() => undefined),
    { what: `the ${stack}-api-keys Secret` },
  );
}

function stackOf(namespace: string, name: string, spec: Partial<MediaStack["spec"]>): MediaStack {
  return {
    apiVersion: "mediaplane.io/v1alpha1",
    kind: "MediaStack",
    metadata: { name, namespace },
    spec: { storage: { data: { nfs: { server: "nas.example.org", path: "/media" } } }, ...spec },
  };
}

test("Bazarr and Transmission as the downloader: Wired=True against the fakes and the real transmission-daemon", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = stackOf(namespace, "opt", {
    apps: { jellyfin: { enabled: false }, bazarr: { enabled: true }, transmission: { enabled: true } },
    wiring: { downloader: "transmission" },
  });
  const url = (app: "prowlarr" | "sonarr" | "radarr" | "bazarr" | "transmission"): string =>
    appServiceUrl("opt", namespace, app);
  await provisionConfigVolumes(t, stack);
  await createStack(t, stack);

  // The pods would start with the Secret's keys and Transmission's USER/PASS: so do the fakes and the daemon.
  const secret = await apiKeysOf(namespace, "opt");
  const keys = {
    sonarr: decoded(secret, "sonarr-api-key"),
    radarr: decoded(secret, "radarr-api-key"),
    prowlarr: decoded(secret, "prowlarr-api-key"),
    bazarr: decoded(secret, "bazarr-api-key"),
  };
  assert.match(keys.bazarr, /^[0-9a-f]{32}$/);
  const login = {
    username: decoded(secret, "transmission-username"),
    password: decoded(secret, "transmission-password"),
  };
  assert.ok(login.password.length >= 24, "a generated Transmission password");
  const transmission: TransmissionInstance = await startTransmission(login);
  const sonarr = await startArrFake({ app: "sonarr", apiKey: () => keys.sonarr, network, dataRoot });
  const radarr = await startArrFake({ app: "radarr", apiKey: () => keys.radarr, network, dataRoot });
  const prowlarr = await startProwlarrFake({ apiKey: () => keys.prowlarr, network });
  stoppers.push(sonarr, radarr, prowlarr, transmission);
  aliases.set(url("transmission"), transmission.url);
  aliases.set(url("sonarr"), sonarr.url);
  aliases.set(url("radarr"), radarr.url);
  aliases.set(url("prowlarr"), prowlarr.url);

  // Bazarr does not answer yet: Wired names it, the other seven links are wired meanwhile.
  const waiting = await waitForCondition(
    namespace,
    "opt",
    "Wired",
    (c) => c.reason === "WaitingForBazarr" && c.message.startsWith("7/9 links wired"),
    "Wired=False WaitingForBazarr with seven links wired",
    90_000,
  );
  assert.deepEqual(
    (waiting.status?.wiring?.links ?? []).filter((link) => link.wired !== true).map((link) => link.name),
    ["bazarr-sonarr", "bazarr-radarr"],
  );

  const bazarr = await startBazarrFake({ apiKey: () => keys.bazarr });
  stoppers.push(bazarr);
  aliases.set(url("bazarr"), bazarr.url);
  const wired = await waitForCondition(namespace, "opt", "Wired", (c) => c.status === "True", "Wired=True");
  const condition = wired.status?.conditions?.find((c) => c.type === "Wired");
  assert.equal(condition?.reason, "Wired");
  assert.equal(condition?.message, "9/9 links wired; download client: Transmission");
  const linkNames = (wired.status?.wiring?.links ?? []).map((link) => link.name);
  assert.ok(linkNames.includes("transmission-download-dir"));
  assert.ok(!linkNames.includes("qbittorrent-categories"), "qBittorrent runs but is not the downloader");
  const apps = Object.fromEntries((wired.status?.apps ?? []).map((app) => [app.name, app.wired]));
  assert.equal(apps.transmission, true);
  assert.equal(apps.bazarr, true);
  assert.equal(apps.qbittorrent, undefined, "no link touches qBittorrent");

  // Transmission downloads onto /data; Sonarr and Radarr have it as their one download client.
  const rpc = new TransmissionClient({ ...login, url: transmission.url, timeoutMs: 5_000 });
  assert.equal((await rpc.sessionGet())["download-dir"], "/data/torrents");
  for (const [fake, category] of [
    [sonarr, ["tvCategory", "tv"]],
    [radarr, ["movieCategory", "movies"]],
  ] as const) {
    assert.deepEqual(
      fake.downloadClients.entries.map((entry) => [entry.name, entry.implementation]),
      [["mediaplane-transmission", "Transmission"]],
    );
    const settings = fake.downloadClients.entries[0]?.settings ?? {};
    assert.equal(settings.host, `opt-transmission.${namespace}.svc.cluster.local`);
    assert.equal(settings.urlBase, "/transmission/");
    assert.equal(settings[category[0]], category[1]);
  }

  // Bazarr holds each app's Service and key, and that connection really reaches the app.
  for (const app of ["sonarr", "radarr"] as const) {
    const section = bazarr.settings[app];
    assert.equal(bazarr.settings.general[`use_${app}`], true);
    assert.equal(section.ip, `opt-${app}.${namespace}.svc.cluster.local`);
    assert.equal(section.ssl, false);
    assert.equal(section.apikey, keys[app]);
    const reached = await fetch(
      resolveInNetwork(
        network,
        `http://${String(section.ip)}:${String(section.port)}${String(section.base_url)}api/v3/rootfolder`,
      ),
      { headers: { "X-Api-Key": String(section.apikey) } },
    );
    assert.equal(reached.status, 200, `Bazarr's ${app} connection works`);
  }
  const status = JSON.stringify((await getStack(namespace, "opt")).status);
  for (const secretValue of [keys.sonarr, keys.radarr, keys.bazarr, login.password]) {
    assert.ok(!status.includes(secretValue), "no key or password in status");
  }

  // Three resyncs, an operator restart and three more: nothing is written again, one owned entry each.
  const writes = (): number =>
    sonarr.requests.filter((r) => r.method !== "GET").length +
    radarr.requests.filter((r) => r.method !== "GET").length +
    bazarr.saves();
  const writesBefore = writes();
  const resyncs = async (what: string): Promise<void> => {
    const seen = bazarr.requests.filter((r) => r.method === "GET").length;
    await waitFor(() => bazarr.requests.filter((r) => r.method === "GET").length >= seen + 3, {
      what,
      timeoutMs: 60_000,
    });
  };
  await resyncs("three resyncs");
  await operator.stop();
  operator = await startOperator();
  await resyncs("three resyncs after an operator restart");
  assert.equal(writes(), writesBefore, "idempotent: no write after the first wiring");
  assert.equal(sonarr.downloadClients.entries.length, 1);
  assert.equal(radarr.downloadClients.entries.length, 1);
  assert.equal(prowlarr.applications.entries.length, 2);

  // Drift: Bazarr's Sonarr connection and Transmission's download dir changed by hand are put back.
  const form = new URLSearchParams({ "settings-sonarr-ip": "somewhere.else" });
  const edited = await fetch(`${bazarr.url}/api/system/settings`, {
    method: "POST",
    headers: { "X-API-KEY": keys.bazarr, "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  assert.equal(edited.status, 204);
  await rpc.sessionSet({ "download-dir": "/downloads/complete" });
  await waitFor(
    async () =>
      bazarr.settings.sonarr.ip === `opt-sonarr.${namespace}.svc.cluster.local` &&
      (await rpc.sessionGet())["download-dir"] === "/data/torrents",
    { what: "Bazarr's Sonarr host and Transmission's download dir to be put back", timeoutMs: 60_000 },
  );

  // Transmission's login is refused: Wired says so, naming the link, never the password.
  await transmission.stop();
  const wrongLogin = await startTransmission({ username: login.username, password: "not-the-secret" });
  stoppers.push(wrongLogin);
  aliases.set(url("transmission"), wrongLogin.url);
  const refused = await waitForCondition(
    namespace,
    "opt",
    "Wired",
    (c) => c.reason === "TransmissionLoginFailed",
    "Wired=False TransmissionLoginFailed once Transmission refuses the login",
  );
  assert.match(
    refused.status?.conditions?.find((c) => c.type === "Wired")?.message ?? "",
    /transmission-download-dir \(TransmissionLoginFailed: Transmission refused the login \(401\)/,
  );
  assert.equal(refused.status?.conditions?.find((c) => c.type === "Wired")?.status, "False");
  // Every link through Transmission waits on its login; Bazarr's and Prowlarr's stay wired.
  const byName = Object.fromEntries(
    (refused.status?.wiring?.links ?? []).map((link) => [link.name, link.wired ? "wired" : link.reason]),
  );
  assert.equal(byName["sonarr-download-client"], "TransmissionLoginFailed");
  assert.equal(byName["radarr-download-client"], "TransmissionLoginFailed");
  assert.equal(byName["bazarr-sonarr"], "wired");
  assert.equal(byName["prowlarr-radarr"], "wired");
  assert.ok(!JSON.stringify(refused.status).includes(login.password));
});

test("the API server refuses two enabled downloaders without wiring.downloader, with the CRD's message", async (t) => {
  const namespace = await createTestNamespace(t);
  const ambiguous = stackOf(namespace, "both", { apps: { transmission: { enabled: true } } });
  try {
    await createStack(t, ambiguous);
    assert.fail("the API server accepted two downloaders without wiring.downloader");
  } catch (error) {
    assert.ok(error instanceof KubeApiError, String(error));
    assert.equal(error.status, 422);
    assert.match(error.message, /set spec\.wiring\.downloader to qbittorrent or transmission/);
  }
  // Saying which one is enough; so is turning the wiring off.
  await createStack(t, { ...ambiguous, spec: { ...ambiguous.spec, wiring: { downloader: "qbittorrent" } } });
  await createStack(t, {
    ...ambiguous,
    metadata: { name: "both-off", namespace },
    spec: { ...ambiguous.spec, wiring: { enabled: false } },
  });
});

test("a downloader named but disabled gives no download client entry and no call to it", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = stackOf(namespace, "nodl", {
    apps: {
      prowlarr: { enabled: false },
      radarr: { enabled: false },
      qbittorrent: { enabled: false },
      jellyfin: { enabled: false },
    },
    wiring: { downloader: "transmission" },
  });
  await provisionConfigVolumes(t, stack);
  await createStack(t, stack);
  const secret = await apiKeysOf(namespace, "nodl");
  const sonarrKey = decoded(secret, "sonarr-api-key");
  const sonarr = await startArrFake({ app: "sonarr", apiKey: () => sonarrKey, network, dataRoot });
  stoppers.push(sonarr);
  aliases.set(appServiceUrl("nodl", namespace, "sonarr"), sonarr.url);
  const wired = await waitForCondition(namespace, "nodl", "Wired", (c) => c.status === "True", "Wired=True");
  assert.equal(wired.status?.conditions?.find((c) => c.type === "Wired")?.message, "1/1 links wired");
  assert.deepEqual(
    (wired.status?.wiring?.links ?? []).map((link) => link.name),
    ["sonarr-media-folders"],
  );
  assert.deepEqual(sonarr.downloadClients.entries, []);
  assert.equal(
    sonarr.requests.filter((request) => request.path.startsWith("/api/v3/downloadclient")).length,
    0,
  );
});
