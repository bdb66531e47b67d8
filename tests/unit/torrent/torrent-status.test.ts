// The Torrent status mapping: seed fields from qBittorrent's view, few writes, honest conditions.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { QbittorrentTorrent } from "../../../operator/clients/qbittorrent/api-types.js";
import {
  formatProgress,
  presenceConditions,
  reportedFields,
} from "../../../operator/controllers/torrent/torrent-status.js";

function torrent(overrides: Partial<QbittorrentTorrent> = {}): QbittorrentTorrent {
  return {
    hash: "8c212779b4abde7c6bc608063a0d008b7e40ce32",
    infohash_v1: "8c212779b4abde7c6bc608063a0d008b7e40ce32",
    infohash_v2: "",
    name: "Example",
    state: "downloading",
    progress: 0.4256,
    size: 100,
    total_size: 1000,
    amount_left: 574,
    content_path: "/downloads/Example",
    save_path: "/downloads",
    magnet_uri: "magnet:?xt=urn:btih:8c212779b4abde7c6bc608063a0d008b7e40ce32",
    category: "",
    tags: "",
    added_on: 1640995200,
    completion_on: 0,
    time_active: 3600,
    up_limit: 0,
    dl_limit: 0,
    ...overrides,
  };
}

test("progress is a percentage rounded down to one decimal, never 100% before the end", () => {
  assert.equal(formatProgress(0.4256), "42.5%");
  assert.equal(formatProgress(0.99999), "99.9%");
  assert.equal(formatProgress(1), "100.0%");
  assert.equal(formatProgress(-1), "0.0%");
});

test("reported fields carry every seed field, added_on as a string, empty v2 hash omitted", () => {
  const fields = reportedFields(torrent(), undefined);
  assert.deepEqual(fields, {
    content_path: "/downloads/Example",
    added_on: "1640995200",
    state: "downloading",
    total_size: 1000,
    name: "Example",
    time_active: 3600,
    amount_left: 574,
    hash: "8c212779b4abde7c6bc608063a0d008b7e40ce32",
    progress: "42.5%",
    infohash_v1: "8c212779b4abde7c6bc608063a0d008b7e40ce32",
    infohash_v2: undefined,
  });
});

test("time_active alone does not change the status until it is five minutes stale", () => {
  const previous = reportedFields(torrent(), undefined);
  assert.equal(reportedFields(torrent({ time_active: 3700 }), previous).time_active, 3600);
  assert.equal(reportedFields(torrent({ time_active: 3900 }), previous).time_active, 3900);
  const withProgress = reportedFields(torrent({ time_active: 3700, progress: 0.5 }), previous);
  assert.equal(withProgress.time_active, 3700, "refreshed together with a real change");
});

test("an errored or missing-files torrent is Degraded, an active one Available", () => {
  const [available, degraded] = presenceConditions(torrent({ state: "missingFiles" }));
  assert.equal(available?.status, "False");
  assert.equal(degraded?.status, "True");
  assert.equal(degraded?.reason, "MissingFiles");
  const [active, healthy] = presenceConditions(torrent({ state: "metaDL" }));
  assert.equal(active?.reason, "TorrentActive");
  assert.match(active?.message ?? "", /fetching metadata/);
  assert.equal(healthy?.status, "False");
  assert.match(presenceConditions(torrent({ state: "stoppedUP" }))[0]?.message ?? "", /paused/);
});
