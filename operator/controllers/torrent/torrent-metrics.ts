// Torrent gauges for the operator dashboard: how many Torrents are in each qBittorrent state and each
// one's progress, read from the informer cache at scrape time (so deleted Torrents vanish with them).
import { Gauge, type Registry } from "prom-client";
import type { Torrent } from "../../generated/torrent.js";

/** The state label of a Torrent whose status has no qBittorrent state yet (not added, or no client). */
export const UNKNOWN_TORRENT_STATE = "none";

/** Registers the Torrent gauges on `registry`; `torrents` lists the cached Torrents. */
export function registerTorrentMetrics(registry: Registry, torrents: () => readonly Torrent[]): void {
  const byState = new Gauge({
    name: "mediaplane_torrents",
    help: `Torrents by qBittorrent state (status.state; "${UNKNOWN_TORRENT_STATE}" before the first status)`,
    labelNames: ["state"] as const,
    registers: [registry],
    collect: () => {
      byState.reset();
      const counts = new Map<string, number>();
      for (const torrent of torrents()) {
        const state = torrent.status?.state || UNKNOWN_TORRENT_STATE;
        counts.set(state, (counts.get(state) ?? 0) + 1);
      }
      for (const [state, count] of counts) byState.set({ state }, count);
    },
  });
  const progress = new Gauge({
    name: "mediaplane_torrent_progress_ratio",
    help: "Download progress of each Torrent, 0 to 1 (status.progress), by namespace and name",
    labelNames: ["namespace", "name"] as const,
    registers: [registry],
    collect: () => {
      progress.reset();
      for (const torrent of torrents()) {
        const ratio = progressRatio(torrent.status?.progress);
        if (ratio === undefined) continue;
        progress.set(
          { namespace: torrent.metadata?.namespace ?? "", name: torrent.metadata?.name ?? "" },
          ratio,
        );
      }
    },
  });
}

/** "42.5%" → 0.425; undefined for an absent or unreadable value. */
export function progressRatio(percent: string | undefined): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(percent ?? "");
  if (match === null) return undefined;
  return Math.min(1, Number(match[1]) / 100);
}
