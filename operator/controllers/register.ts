// Registers every controller on the operator (called from main.ts, never by import side
// effect) and returns what must be stopped after the operator: the qBittorrent pollers.
import type { PollerRegistry } from "../clients/qbittorrent/poller-registry.js";
import type { OperatorConfig } from "../config/operator-config.js";
import type { Operator } from "../framework/operator.js";
import { dittoServerController } from "./dittoserver/dittoserver-controller.js";
import { mediaStackController } from "./mediastack/mediastack-controller.js";
import { TorrentBackends } from "./torrent/torrent-backends.js";
import { torrentController } from "./torrent/torrent-controller.js";

export function registerControllers(
  operator: Operator,
  config: OperatorConfig,
  pollers: PollerRegistry,
): () => Promise<void> {
  const backends = new TorrentBackends(pollers);
  const torrents = operator.controller(
    torrentController(
      {
        backends,
        defaultTarget: config.defaultQbittorrent,
        progressIntervalMs: config.torrentProgressIntervalMs,
        progressWrites: new Map<string, number>(),
      },
      config.torrentConcurrency,
    ),
  );
  backends.onChange((key) => torrents.queue.add(key));
  operator.controller(mediaStackController(config.concurrency));
  operator.controller(dittoServerController(config.concurrency));
  return () => backends.stop();
}
