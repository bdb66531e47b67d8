// Prometheus metrics of the operator's qBittorrent traffic, per instance (WebUI URL): requests by endpoint
// and result, their duration, and whether the instance answered its last request. Fed by the sessions.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { QbittorrentRequestObserver, QbittorrentRequestOutcome } from "./request-observer.js";

export class QbittorrentRequestMetrics implements QbittorrentRequestObserver {
  private readonly requests: Counter<"qbittorrent" | "endpoint" | "result">;
  private readonly duration: Histogram<"qbittorrent">;
  private readonly up: Gauge<"qbittorrent">;

  constructor(registry: Registry) {
    // `qbittorrent`, not `instance`: Prometheus sets `instance` to the scraped target and would rename ours.
    this.requests = new Counter({
      name: "mediaplane_qbittorrent_requests_total",
      help: "qBittorrent Web API requests by instance URL, endpoint and result (ok, rejected, unauthorized, server_error, unreachable)",
      labelNames: ["qbittorrent", "endpoint", "result"] as const,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: "mediaplane_qbittorrent_request_duration_seconds",
      help: "Time one qBittorrent Web API request took, by instance URL",
      labelNames: ["qbittorrent"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.up = new Gauge({
      name: "mediaplane_qbittorrent_up",
      help: "1 when the instance's last request got an HTTP answer below 500, 0 when it failed or timed out",
      labelNames: ["qbittorrent"] as const,
      registers: [registry],
    });
  }

  requestFinished(outcome: QbittorrentRequestOutcome): void {
    const qbittorrent = outcome.url;
    this.requests.inc({ qbittorrent, endpoint: outcome.endpoint, result: outcome.result });
    this.duration.observe({ qbittorrent }, outcome.seconds);
    const answered = outcome.result !== "unreachable" && outcome.result !== "server_error";
    this.up.set({ qbittorrent }, answered ? 1 : 0);
  }

  clientClosed(url: string): void {
    // An instance no Torrent uses any more must not stay "down" forever (and keep an alert firing).
    this.up.remove({ qbittorrent: url });
  }
}
