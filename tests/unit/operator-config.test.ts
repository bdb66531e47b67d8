// Operator configuration from the environment: defaults, clear errors, secrets never described,
// and the URL aliases an out-of-cluster operator uses to reach in-cluster qBittorrent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { aliasedUrl } from "../../operator/clients/qbittorrent/poller-registry.js";
import { ConfigError, describeConfig, loadConfig } from "../../operator/config/operator-config.js";

test("defaults: json logs, leader election on, probes on 8080, no default qBittorrent", () => {
  const config = loadConfig({});
  assert.equal(config.logFormat, "json");
  assert.equal(config.leaderElection, true);
  assert.equal(config.probePort, 8080);
  assert.equal(config.defaultQbittorrent, undefined);
  assert.equal(config.serviceUrlAliases.size, 0);
});

test("bad values are refused with the variable's name", () => {
  assert.throws(() => loadConfig({ MEDIAPLANE_LOG_FORMAT: "xml" }), /MEDIAPLANE_LOG_FORMAT=xml/);
  assert.throws(() => loadConfig({ MEDIAPLANE_CONCURRENCY: "0" }), ConfigError);
  assert.throws(() => loadConfig({ QBITTORRENT_URL: "qbittorrent:8080" }), /QBITTORRENT_URL/);
  assert.throws(() => loadConfig({ MEDIAPLANE_QBITTORRENT_URL_ALIASES: "a=b=c" }), /from=to/);
});

test("the described configuration says whether credentials are set, never what they are", () => {
  const described = JSON.stringify(
    describeConfig(
      loadConfig({
        QBITTORRENT_URL: "http://q:8080",
        QBITTORRENT_USERNAME: "u",
        QBITTORRENT_PASSWORD: "s3cr3t",
      }),
    ),
  );
  assert.ok(!described.includes("s3cr3t"));
  assert.match(described, /"password":"set"/);
});

test("URL aliases replace the longest matching prefix and leave other URLs alone", () => {
  const config = loadConfig({
    MEDIAPLANE_QBITTORRENT_URL_ALIASES:
      "http://home-qbittorrent.media.svc.cluster.local:8080=http://127.0.0.1:41000, http://home=http://127.0.0.1:1",
  });
  const aliases = config.serviceUrlAliases;
  assert.equal(
    aliasedUrl("http://home-qbittorrent.media.svc.cluster.local:8080", aliases),
    "http://127.0.0.1:41000",
  );
  assert.equal(aliasedUrl("http://home-other:8080", aliases), "http://127.0.0.1:1-other:8080");
  assert.equal(aliasedUrl("http://elsewhere:8080", aliases), "http://elsewhere:8080");
});

test("MEDIAPLANE_SERVICE_URL_ALIASES and its older qBittorrent-only name feed one alias map", () => {
  const config = loadConfig({
    MEDIAPLANE_QBITTORRENT_URL_ALIASES:
      "http://home-qbittorrent.media.svc.cluster.local:8080=http://127.0.0.1:41000",
    MEDIAPLANE_SERVICE_URL_ALIASES: "http://home-sonarr.media.svc.cluster.local:8989=http://127.0.0.1:41001",
  });
  assert.deepEqual(Object.fromEntries(config.serviceUrlAliases), {
    "http://home-qbittorrent.media.svc.cluster.local:8080": "http://127.0.0.1:41000",
    "http://home-sonarr.media.svc.cluster.local:8989": "http://127.0.0.1:41001",
  });
  assert.throws(
    () => loadConfig({ MEDIAPLANE_SERVICE_URL_ALIASES: "nourl" }),
    /MEDIAPLANE_SERVICE_URL_ALIASES/,
  );
});
