// Registers every controller on the operator (called from main.ts, never by import side
// effect) and returns what must be stopped after the operator: the qBittorrent pollers.
import type { PollerRegistry } from "../clients/qbittorrent/poller-registry.js";
import type { OperatorConfig } from "../config/operator-config.js";
import type { Operator } from "../framework/operator.js";
import { dittoServerController } from "./dittoserver/dittoserver-controller.js";
import { mediaStackController } from "./mediastack/mediastack-controller.js";
import { QbittorrentPort } from "./torrent/qbittorrent-port.js";
import { torrentController } from "./torrent/torrent-controller.js";
import { registerTorrentMetrics } from "./torrent/torrent-metrics.js";
import { TorrentResource, type Torrent } from "../generated/torrent.js";

export function registerControllers(
  operator: Operator,
  config: OperatorConfig,
  pollers: PollerRegistry,
): () => Promise<void> {
  const port = new QbittorrentPort(pollers, {
    ...(config.defaultQbittorrent ? { defaultTarget: config.defaultQbittorrent } : {}),
    progressIntervalMs: config.torrentProgressIntervalMs,
  });
  operator.controller(torrentController(port, config.torrentConcurrency));
  registerTorrentMetrics(operator.metrics.registry, () =>
    operator.informers.for<Torrent>(TorrentResource).list(),
  );
  operator.controller(
    mediaStackController({
      concurrency: config.concurrency,
      urlAliases: config.serviceUrlAliases,
      qbittorrentLoginBackoff: (url) => pollers.loginBackoffFor(url),
    }),
  );
  operator.controller(
    dittoServerController({
      concurrency: config.concurrency,
      urlAliases: config.serviceUrlAliases,
      driftCheckSeconds: config.dittoServerDriftCheckSeconds,
    }),
  );
  return () => port.stop();
}
