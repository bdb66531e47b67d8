// The catalog as data: pinned tags (ANCHORS.md's for the core apps), the seed's resource budget and
// sizes, one port per app, and probes that the apps really answer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { appCatalog, appNames } from "../../../operator/controllers/mediastack/catalog.js";
import { parseQuantity } from "../../../operator/controllers/mediastack/quantity.js";

test("images are pinned; the core apps use the tags of ANCHORS.md", () => {
  assert.equal(appCatalog.sonarr.tag, "4.0.19.2979-ls316");
  assert.equal(appCatalog.radarr.tag, "6.2.1.10461-ls308");
  assert.equal(appCatalog.prowlarr.tag, "2.5.2.5491-ls155");
  assert.equal(appCatalog.qbittorrent.tag, "5.2.3_v2.0.13-ls469");
  assert.equal(`${appCatalog.jellyfin.repository}:${appCatalog.jellyfin.tag}`, "jellyfin/jellyfin:10.11.11");
  for (const app of appNames) {
    const { tag, repository, linuxServer } = appCatalog[app];
    assert.ok(!/^(latest|stable|develop|nightly)$/.test(tag), `${app} uses a floating tag`);
    assert.equal(linuxServer, repository.startsWith("lscr.io/linuxserver/"), app);
    if (linuxServer) assert.match(tag, /-ls\d+$/, `${app}: LinuxServer tags carry -lsNNN`);
  }
});

test("the five seed apps are on by default, the seed 003 apps opt-in", () => {
  assert.deepEqual(
    appNames.filter((app) => appCatalog[app].enabledByDefault),
    ["prowlarr", "sonarr", "radarr", "qbittorrent", "jellyfin"],
  );
});

test("the core apps add up to the seed's resource budget: 1000m/6750m CPU, 1.375Gi/4.75Gi memory, 13Gi config", () => {
  const core = appNames.filter((app) => appCatalog[app].enabledByDefault).map((app) => appCatalog[app]);
  const sum = (pick: (entry: (typeof core)[number]) => string): number =>
    core.reduce((total, entry) => total + (parseQuantity(pick(entry)) ?? NaN), 0);
  assert.equal(Math.round(sum((e) => e.resources.requests.cpu) * 1000), 1000);
  assert.equal(Math.round(sum((e) => e.resources.limits.cpu) * 1000), 6750);
  assert.equal(
    sum((e) => e.resources.requests.memory),
    1408 * 2 ** 20,
  );
  assert.equal(
    sum((e) => e.resources.limits.memory),
    4.75 * 2 ** 30,
  );
  assert.equal(
    sum((e) => e.configSize),
    13 * 2 ** 30,
  );
});

test("ports are the apps' own and unique; probes: /ping, /health, TCP where HTTP needs a login", () => {
  const ports = appNames.map((app) => appCatalog[app].port);
  assert.deepEqual(ports, [9696, 8989, 7878, 8080, 8096, 6767, 9117, 9091]);
  assert.equal(new Set(ports).size, ports.length);
  assert.deepEqual(Object.fromEntries(appNames.map((app) => [app, appCatalog[app].probe])), {
    prowlarr: { kind: "http", path: "/ping" },
    sonarr: { kind: "http", path: "/ping" },
    radarr: { kind: "http", path: "/ping" },
    qbittorrent: { kind: "tcp" },
    jellyfin: { kind: "http", path: "/health" },
    bazarr: { kind: "http", path: "/api/system/ping" },
    jackett: { kind: "http", path: "/health" },
    transmission: { kind: "tcp" },
  });
});

test("every app's requests fit its limits", () => {
  for (const app of appNames) {
    const { requests, limits } = appCatalog[app].resources;
    for (const resource of ["cpu", "memory"] as const) {
      assert.ok(
        (parseQuantity(requests[resource]) ?? 0) <= (parseQuantity(limits[resource]) ?? 0),
        `${app} ${resource}`,
      );
    }
  }
});
