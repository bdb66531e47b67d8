// Registers the Torrent controller: its resource, finalizer, the kinds it watches (MediaStacks
// and Secrets it references, mapped back through the cache) and the Ready policy.
import type { V1Secret } from "@kubernetes/client-node";
import type { ControllerOptions } from "../../framework/controller.js";
import { builtinResources } from "../../framework/resource.js";
import { MediaStackResource } from "../../generated/mediastack.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";
import { torrentsReferencing } from "./client-resolution.js";
import { finalizeTorrent } from "./finalize-torrent.js";
import { reconcileTorrent, type TorrentDependencies } from "./reconcile-torrent.js";
import { torrentFinalizer } from "./torrent-identity.js";

export function torrentController(
  deps: TorrentDependencies,
  concurrency: number,
): ControllerOptions<Torrent> {
  return {
    name: "torrent",
    resource: TorrentResource,
    finalizer: torrentFinalizer,
    reconcile: (ctx) => reconcileTorrent(ctx, deps),
    finalize: (ctx) => finalizeTorrent(ctx, deps),
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
        resource: builtinResources.Secret,
        map: (secret: V1Secret, cache) =>
          torrentsReferencing(cache, "Secret", secret.metadata?.namespace ?? "", secret.metadata?.name ?? ""),
      },
    ],
    ready: { positive: ["Available"], negative: ["Degraded"] },
    // qBittorrent changes arrive through the poller; this resync only catches what slipped through.
    resyncSeconds: 600,
    concurrency,
  };
}
