// The wiring's pure parts: which links a spec plans, what the owned entries look like, when an entry
// counts as drifted (secrets come back masked), how outcomes become the Wired condition, the backoff.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BazarrUnauthorizedError, BazarrUnreachableError } from "../../../operator/clients/bazarr/client.js";
import type { ProviderResource } from "../../../operator/clients/servarr/api-types.js";
import {
  TransmissionUnauthorizedError,
  TransmissionUnreachableError,
} from "../../../operator/clients/transmission/client.js";
import {
  ServarrUnauthorizedError,
  ServarrUnreachableError,
  ServarrValidationError,
} from "../../../operator/clients/servarr/errors.js";
import { appliedHash } from "../../../operator/controllers/mediastack/wiring/applied-hash.js";
import {
  bazarrConnection,
  prowlarrApplication,
  qbittorrentDownloadClient,
  transmissionDownloadClient,
} from "../../../operator/controllers/mediastack/wiring/desired-entries.js";
import { failureOutcome } from "../../../operator/controllers/mediastack/wiring/link-outcome.js";
import { withoutTransportCode } from "../../../operator/framework/http-request.js";
import { QbittorrentUnreachableError } from "../../../operator/clients/qbittorrent/errors.js";
import {
  plannedLinks,
  stackDownloader,
  wiringLinks,
  type WiringLink,
} from "../../../operator/controllers/mediastack/wiring/links.js";
import { visibleFieldsMatch } from "../../../operator/controllers/mediastack/wiring/owned-provider.js";
import { RunSchedule } from "../../../operator/framework/run-schedule.js";
import {
  appWired,
  computeWiredCondition,
} from "../../../operator/controllers/mediastack/wiring/wired-condition.js";
import type { stackWith } from "./fixtures.js";

const storage = { data: { existingClaim: "library" } };
const names = (spec: Parameters<typeof stackWith>[0]): string[] =>
  plannedLinks(spec).map((link) => link.name);

const coreLinks = [
  "qbittorrent-categories",
  "sonarr-download-client",
  "radarr-download-client",
  "sonarr-media-folders",
  "radarr-media-folders",
  "prowlarr-sonarr",
  "prowlarr-radarr",
  "jellyfin-setup",
  "jellyfin-libraries",
];

test("every core link is planned by default; switches and disabled apps take links away", () => {
  assert.deepEqual(names({ storage }), coreLinks);
  assert.ok(coreLinks.every((name) => wiringLinks.some((link) => link.name === name)));
  assert.deepEqual(names({ storage, wiring: { enabled: false } }), []);
  assert.ok(
    !names({ storage, wiring: { prowlarrApplications: false } }).some((name) => name.startsWith("prowlarr-")),
  );
  // A disabled downloader: no download client entry and no categories.
  const withoutQbittorrent = names({ storage, apps: { qbittorrent: { enabled: false } } });
  assert.ok(
    !withoutQbittorrent.some((name) => name.includes("download-client") || name.includes("categories")),
  );
  assert.ok(withoutQbittorrent.includes("sonarr-media-folders"));
  assert.deepEqual(names({ storage, apps: { jellyfin: { enabled: false }, sonarr: { enabled: false } } }), [
    "qbittorrent-categories",
    "radarr-download-client",
    "radarr-media-folders",
    "prowlarr-radarr",
  ]);
});

test("Prowlarr's applications point both ways at in-cluster Service URLs, never localhost", () => {
  const application = prowlarrApplication({ name: "home", namespace: "media" }, "radarr", "k");
  const value = (name: string): unknown => application.fields.find((field) => field.name === name)?.value;
  assert.equal(application.name, "mediaplane-radarr");
  assert.equal(value("prowlarrUrl"), "http://home-prowlarr.media.svc.cluster.local:9696");
  assert.equal(value("baseUrl"), "http://home-radarr.media.svc.cluster.local:7878");
  const client = qbittorrentDownloadClient({ name: "home", namespace: "media" }, "radarr", {
    username: "u",
    password: "p",
  });
  assert.deepEqual(
    client.fields
      .filter((field) => ["host", "port", "movieCategory"].includes(field.name))
      .map((field) => field.value),
    ["home-qbittorrent.media.svc.cluster.local", 8080, "movies"],
  );
});

test("masked secrets never count as drift; a changed visible field or a missing field does", () => {
  const desired = qbittorrentDownloadClient({ name: "home", namespace: "media" }, "sonarr", {
    username: "u",
    password: "p",
  });
  const shown = (changes: Record<string, unknown> = {}): ProviderResource => ({
    ...desired,
    id: 3,
    fields: desired.fields.map((field) =>
      field.name === "password"
        ? { name: field.name, value: "********", privacy: "password" as const }
        : { ...field, ...(field.name in changes ? { value: changes[field.name] } : {}) },
    ),
  });
  assert.ok(visibleFieldsMatch(shown(), desired));
  assert.ok(!visibleFieldsMatch(shown({ tvCategory: "tv-sonarr" }), desired));
  assert.ok(!visibleFieldsMatch({ ...shown(), priority: 9 }, desired));
  assert.ok(
    !visibleFieldsMatch({ ...shown(), fields: shown().fields.filter((f) => f.name !== "host") }, desired),
  );
  // The hash is what tells a rotated password.
  const rotated = qbittorrentDownloadClient({ name: "home", namespace: "media" }, "sonarr", {
    username: "u",
    password: "q",
  });
  assert.notEqual(appliedHash(desired), appliedHash(rotated));
  assert.equal(appliedHash(desired), appliedHash({ ...desired }));
});

test("client failures become the reasons that name the app", () => {
  assert.equal(
    failureOutcome(new ServarrUnreachableError("x"), "sonarr", "DownloadClientTestFailed").reason,
    "WaitingForSonarr",
  );
  assert.equal(
    failureOutcome(new ServarrUnauthorizedError("x"), "radarr", "DownloadClientTestFailed").reason,
    "RadarrRejectedApiKey",
  );
  assert.equal(
    failureOutcome(new BazarrUnauthorizedError("x"), "bazarr", "AppRefusedRequest").reason,
    "BazarrRejectedApiKey",
  );
  assert.equal(
    failureOutcome(new BazarrUnreachableError("x"), "bazarr", "AppRefusedRequest").reason,
    "WaitingForBazarr",
  );
  assert.equal(
    failureOutcome(new TransmissionUnauthorizedError("x"), "transmission", "AppRefusedRequest").reason,
    "TransmissionLoginFailed",
  );
  assert.equal(
    failureOutcome(new TransmissionUnreachableError("x"), "transmission", "AppRefusedRequest").reason,
    "WaitingForTransmission",
  );
  const refused = failureOutcome(
    new ServarrValidationError("x", [{ propertyName: "Username", errorMessage: "Authentication failure" }]),
    "sonarr",
    "DownloadClientTestFailed",
  );
  assert.deepEqual(refused, {
    reason: "DownloadClientTestFailed",
    message: "Username: Authentication failure",
  });
  assert.throws(() => failureOutcome(new Error("bug"), "sonarr", "AppRefusedRequest"), /bug/);
});

test("a waiting link's message does not follow the transport's code, so retries do not rewrite the status", () => {
  const sonarr = (code: string): string =>
    failureOutcome(
      new ServarrUnreachableError(`Sonarr did not answer GET /ping (${code})`),
      "sonarr",
      "DownloadClientTestFailed",
    ).message;
  assert.equal(sonarr("ENOTFOUND"), "Sonarr did not answer GET /ping");
  assert.equal(sonarr("ETIMEDOUT"), sonarr("ENOTFOUND"));
  const qbittorrent = (message: string): string =>
    failureOutcome(
      new QbittorrentUnreachableError(message, "X", { endpoint: "auth/login" }),
      "qbittorrent",
      "QbittorrentLoginFailed",
    ).message;
  const url = "http://home-qbittorrent.media.svc.cluster.local:8080";
  assert.equal(
    qbittorrent(`request to qBittorrent at ${url} failed (ENOTFOUND) on auth/login`),
    `request to qBittorrent at ${url} did not answer on auth/login`,
  );
  assert.equal(
    qbittorrent(`request to qBittorrent at ${url} timed out after 10000 ms on auth/login`),
    qbittorrent(`request to qBittorrent at ${url} failed (ECONNREFUSED) on auth/login`),
  );
  // What an app answered stays word for word.
  assert.equal(withoutTransportCode("Sonarr failed GET /ping with 503"), "Sonarr failed GET /ping with 503");
});

test("Wired names a failure before a wait, lists every open link, and is WiringDisabled with no links", () => {
  const planned = plannedLinks({ storage });
  const links = planned.map((link) => ({
    name: link.name,
    wired: true,
    reason: "Wired" as const,
    message: "ok",
  }));
  assert.equal(computeWiredCondition(planned, links).status, "True");
  links[1] = {
    name: links[1]?.name ?? "",
    wired: false,
    reason: "WaitingForSonarr" as never,
    message: "down",
  };
  links[4] = {
    name: links[4]?.name ?? "",
    wired: false,
    reason: "DownloadClientTestFailed" as never,
    message: "Authentication failure",
  };
  const condition = computeWiredCondition(planned, links);
  assert.equal(condition.status, "False");
  assert.equal(condition.reason, "DownloadClientTestFailed");
  assert.match(
    condition.message,
    /^7\/9 links wired; download client: qBittorrent; not wired: sonarr-download-client \(WaitingForSonarr: down\); /,
  );
  assert.equal(appWired("sonarr", planned, links), false);
  assert.equal(appWired("jellyfin", planned, links), true);
  assert.equal(appWired("jackett", planned, links), undefined);
  assert.equal(computeWiredCondition([], []).reason, "WiringDisabled");
});

test("an unfinished wiring backs off exponentially to the cap and starts over once wired", () => {
  const schedule = new RunSchedule({ baseMs: 100, capMs: 1_000, driftCheckMs: 60_000 }, () => 0);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map(() => schedule.ran("uid", "inputs", false)),
    [100, 200, 400, 800, 1_000],
  );
  assert.equal(schedule.ran("uid", "inputs", true), 60_000, "wired: next look is the drift check");
  assert.equal(schedule.ran("uid", "inputs", false), 100);
  assert.equal(schedule.ran("other", "inputs", false), 100);
  assert.equal(schedule.ran("uid", "changed", false), 100, "new inputs start the backoff over");
});

test("the wiring runs when due, not on every reconcile: inputs changed, backoff over, or drift check", () => {
  let now = 0;
  const schedule = new RunSchedule({ baseMs: 100, capMs: 1_000, driftCheckMs: 60_000 }, () => now);
  assert.equal(schedule.waitBeforeRun("uid", "a"), undefined, "never ran: due");
  schedule.ran("uid", "a", true);
  now = 59_000;
  assert.equal(schedule.waitBeforeRun("uid", "a"), 1_000, "a child's event before the drift check: not due");
  assert.equal(schedule.waitBeforeRun("uid", "b"), undefined, "an app became available, a key changed: due");
  now = 60_000;
  assert.equal(schedule.waitBeforeRun("uid", "a"), undefined, "the drift check is due");
  schedule.ran("uid", "a", false);
  now = 60_050;
  assert.equal(schedule.waitBeforeRun("uid", "a"), 50, "an unfinished wiring waits out its backoff");
  schedule.forget("uid");
  assert.equal(schedule.waitBeforeRun("uid", "a"), undefined);
});

const linkOf = (spec: Parameters<typeof stackWith>[0], name: string): WiringLink | undefined =>
  plannedLinks(spec).find((link) => link.name === name);

test("the opt-in apps' links: Bazarr by default once enabled, Transmission as the downloader, Music only when asked", () => {
  const withBazarr = names({ storage, apps: { bazarr: { enabled: true } } });
  assert.deepEqual(withBazarr, [...coreLinks, "bazarr-sonarr", "bazarr-radarr"]);
  assert.deepEqual(
    names({ storage, apps: { bazarr: { enabled: true } }, wiring: { bazarr: false } }),
    coreLinks,
  );
  // Transmission alone is the downloader: its download dir, and Sonarr/Radarr get it, no qBittorrent links.
  const transmissionOnly = {
    storage,
    apps: { qbittorrent: { enabled: false }, transmission: { enabled: true } },
  };
  assert.equal(stackDownloader(transmissionOnly), "transmission");
  assert.ok(!names(transmissionOnly).includes("qbittorrent-categories"));
  assert.ok(names(transmissionOnly).includes("transmission-download-dir"));
  assert.deepEqual(linkOf(transmissionOnly, "sonarr-download-client")?.apps, ["sonarr", "transmission"]);
  // Both enabled: wiring.downloader decides; the other downloader gets no link.
  const both = { storage, apps: { transmission: { enabled: true } } };
  assert.deepEqual(
    linkOf({ ...both, wiring: { downloader: "transmission" } }, "radarr-download-client")?.apps,
    ["radarr", "transmission"],
  );
  assert.ok(!names({ ...both, wiring: { downloader: "transmission" } }).includes("qbittorrent-categories"));
  assert.ok(!names({ ...both, wiring: { downloader: "qbittorrent" } }).includes("transmission-download-dir"));
  // A downloader named but disabled: no download client entry at all.
  const disabled = names({ storage, wiring: { downloader: "transmission" } });
  assert.ok(!disabled.some((name) => name.includes("download-client") || name.includes("download-dir")));
  assert.ok(!names({ storage }).includes("jellyfin-music-library"));
  assert.ok(names({ storage, wiring: { musicLibrary: true } }).includes("jellyfin-music-library"));
  assert.ok(
    !names({ storage, wiring: { musicLibrary: true, jellyfin: false } }).includes("jellyfin-music-library"),
  );
});

test("Transmission's download client uses the Service, the RPC url base and the Secret's login", () => {
  const entry = transmissionDownloadClient({ name: "home", namespace: "media" }, "sonarr", {
    username: "u",
    password: "p",
  });
  const value = (name: string): unknown => entry.fields.find((field) => field.name === name)?.value;
  assert.equal(entry.name, "mediaplane-transmission");
  assert.equal(entry.implementation, "Transmission");
  assert.equal(entry.configContract, "TransmissionSettings");
  assert.equal(value("host"), "home-transmission.media.svc.cluster.local");
  assert.equal(value("port"), 9091);
  assert.equal(value("urlBase"), "/transmission/");
  assert.equal(value("tvCategory"), "tv");
  const bazarr = bazarrConnection({ name: "home", namespace: "media" }, "radarr", "k");
  assert.equal(bazarr.form["settings-radarr-ip"], "home-radarr.media.svc.cluster.local");
  assert.equal(bazarr.form["settings-radarr-port"], "7878");
  assert.equal(bazarr.form["settings-general-use_radarr"], "true");
  assert.ok(!JSON.stringify(bazarr.visible).includes('"k"'), "the key is not among the compared fields");
});
