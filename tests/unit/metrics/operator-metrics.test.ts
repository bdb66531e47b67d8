// The operator's own metrics as /metrics shows them: every controller's series exist at zero from the
// start, Ready and Torrent gauges follow the cache at scrape time, qBittorrent outcomes per instance.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { QbittorrentRequestMetrics } from "../../../operator/clients/qbittorrent/request-metrics.js";
import { requestResultForStatus } from "../../../operator/clients/qbittorrent/request-observer.js";
import {
  progressRatio,
  registerTorrentMetrics,
} from "../../../operator/controllers/torrent/torrent-metrics.js";
import { OperatorMetrics, type ReadyObservation } from "../../../operator/framework/metrics.js";
import type { Torrent } from "../../../operator/generated/torrent.js";

test("a registered controller has its reconcile, error, status-write and queue series at zero before any reconcile", async () => {
  const metrics = new OperatorMetrics(false);
  metrics.registerController("mediastack");
  const text = await metrics.registry.metrics();
  for (const result of ["done", "requeue", "temporary_error", "permanent_error", "error"]) {
    assert.match(
      text,
      new RegExp(`^mediaplane_reconcile_total\\{controller="mediastack",result="${result}"\\} 0$`, "m"),
    );
  }
  assert.match(text, /^mediaplane_status_writes_total\{controller="mediastack"\} 0$/m);
  assert.match(text, /^mediaplane_workqueue_depth\{controller="mediastack"\} 0$/m);
  assert.match(text, /^controller_runtime_reconcile_errors_total\{controller="mediastack"\} 0$/m);
});

test("mediaplane_resource_ready reports what the source lists at each scrape, and drops objects it no longer lists", async () => {
  const metrics = new OperatorMetrics(false);
  let objects: ReadyObservation[] = [
    { controller: "mediastack", namespace: "media", name: "home", ready: true },
    { controller: "dittoserver", namespace: "media", name: "files", ready: false },
  ];
  metrics.observeReadiness(() => objects);
  const first = await metrics.registry.metrics();
  assert.match(
    first,
    /^mediaplane_resource_ready\{controller="mediastack",namespace="media",name="home"\} 1$/m,
  );
  assert.match(
    first,
    /^mediaplane_resource_ready\{controller="dittoserver",namespace="media",name="files"\} 0$/m,
  );
  objects = [{ controller: "dittoserver", namespace: "media", name: "files", ready: true }];
  const second = await metrics.registry.metrics();
  assert.doesNotMatch(second, /name="home"/);
  assert.match(
    second,
    /^mediaplane_resource_ready\{controller="dittoserver",namespace="media",name="files"\} 1$/m,
  );
});

test("Torrent gauges count states (none before the first status) and turn status.progress into a ratio", async () => {
  const registry = new Registry();
  const torrent = (name: string, status?: Torrent["status"]): Torrent =>
    ({ metadata: { namespace: "media", name }, ...(status ? { status } : {}) }) as Torrent;
  registerTorrentMetrics(registry, () => [
    torrent("a", { state: "stalledDL", progress: "42.5%" }),
    torrent("b", { state: "stalledDL", progress: "100%" }),
    torrent("c"),
  ]);
  const text = await registry.metrics();
  assert.match(text, /^mediaplane_torrents\{state="stalledDL"\} 2$/m);
  assert.match(text, /^mediaplane_torrents\{state="none"\} 1$/m);
  assert.match(text, /^mediaplane_torrent_progress_ratio\{namespace="media",name="a"\} 0.425$/m);
  assert.match(text, /^mediaplane_torrent_progress_ratio\{namespace="media",name="b"\} 1$/m);
  assert.doesNotMatch(text, /name="c"/, "no progress series without a progress");
  assert.equal(progressRatio("0%"), 0);
  assert.equal(progressRatio("n/a"), undefined);
  assert.equal(progressRatio(undefined), undefined);
});

test("qBittorrent request outcomes count per instance and endpoint; up follows the last answer and goes with the client", async () => {
  const registry = new Registry();
  const metrics = new QbittorrentRequestMetrics(registry);
  const url = "http://qbittorrent.media.svc:8080";
  metrics.requestFinished({ url, endpoint: "sync/maindata", result: "ok", seconds: 0.01 });
  metrics.requestFinished({ url, endpoint: "sync/maindata", result: "ok", seconds: 0.02 });
  let text = await registry.metrics();
  assert.match(
    text,
    /^mediaplane_qbittorrent_requests_total\{qbittorrent="http:\/\/qbittorrent.media.svc:8080",endpoint="sync\/maindata",result="ok"\} 2$/m,
  );
  assert.match(text, /^mediaplane_qbittorrent_up\{qbittorrent="http:\/\/qbittorrent.media.svc:8080"\} 1$/m);
  metrics.requestFinished({ url, endpoint: "sync/maindata", result: "unreachable", seconds: 10 });
  text = await registry.metrics();
  assert.match(text, /^mediaplane_qbittorrent_up\{qbittorrent="http:\/\/qbittorrent.media.svc:8080"\} 0$/m);
  assert.match(
    text,
    /^mediaplane_qbittorrent_request_duration_seconds_count\{qbittorrent="http:\/\/qbittorrent.media.svc:8080"\} 3$/m,
  );
  metrics.clientClosed(url);
  text = await registry.metrics();
  assert.doesNotMatch(text, /^mediaplane_qbittorrent_up\{/m, "a retired instance does not stay down");
});

test("HTTP statuses map to request results: 401/403 unauthorized, other 4xx rejected, 5xx server_error", () => {
  assert.equal(requestResultForStatus(200), "ok");
  assert.equal(requestResultForStatus(204), "ok");
  assert.equal(requestResultForStatus(403), "unauthorized");
  assert.equal(requestResultForStatus(401), "unauthorized");
  assert.equal(requestResultForStatus(409), "rejected");
  assert.equal(requestResultForStatus(502), "server_error");
});
