// Registers the Torrent controller: its resource, finalizer, reason table, the kinds it watches
// (MediaStacks and Secrets it references, mapped back through the cache) and the qBittorrent port as a source.
import type { V1Secret } from "@kubernetes/client-node";
import type { ControllerOptions, WatchedChange } from "../../framework/controller.js";
import { builtinResources } from "../../framework/resource.js";
import { MediaStackResource } from "../../generated/mediastack.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";
import { torrentsReferencing } from "./client-resolution.js";
import { finalizeTorrent } from "./finalize-torrent.js";
import type { QbittorrentPort } from "./qbittorrent-port.js";
import { reconcileTorrent } from "./reconcile-torrent.js";
import { torrentFinalizer } from "./torrent-identity.js";
import { hashIndex, magnetHashes, otherClaimantKeys } from "./torrent-ownership.js";
import { torrentReasons } from "./torrent-reasons.js";

/** Whether a change can move who manages the torrent: created, deleted, deleting, or a new hash/adopted record. */
function roleChanged(torrent: Torrent, change: WatchedChange): boolean {
  const previous = change.previous as Torrent | undefined;
  if (change.type !== "MODIFIED" || previous === undefined) return true;
  return (
    Boolean(previous.metadata.deletionTimestamp) !== Boolean(torrent.metadata.deletionTimestamp) ||
    previous.status?.hash !== torrent.status?.hash ||
    previous.status?.adopted !== torrent.status?.adopted
  );
}

export function torrentController(port: QbittorrentPort, concurrency: number): ControllerOptions<Torrent> {
  return {
    name: "torrent",
    resource: TorrentResource,
    finalizer: torrentFinalizer,
    reconcile: (ctx) => reconcileTorrent(ctx, port),
    finalize: (ctx) => finalizeTorrent(ctx, port),
    watches: [
      {
        resource: MediaStackResource,
        map: (stack, cache) =>
          torrentsReferencing(
            cache,
            "MediaStack",
            stack.metadata?.namespace ?? "",
            stack.metadata?.name ?? "",
          ),
      },
      {
        // A Torrent that starts or stops managing a torrent, or goes away, makes the others naming it re-decide.
        resource: TorrentResource,
        map: (torrent, cache, change) =>
          roleChanged(torrent as Torrent, change) ? otherClaimantKeys(cache, torrent as Torrent) : [],
      },
      {
        resource: builtinResources.Secret,
        map: (secret: V1Secret, cache) =>
          torrentsReferencing(cache, "Secret", secret.metadata?.namespace ?? "", secret.metadata?.name ?? ""),
      },
    ],
    // qBittorrent changes arrive through the port's pollers, through the same coalescing as watch events.
    sources: [port],
    indexes: { [hashIndex]: magnetHashes },
    reasons: torrentReasons,
    ready: { positive: ["Available"], negative: ["Degraded"] },
    // This resync only catches what slipped through.
    resyncSeconds: 600,
    concurrency,
  };
}
