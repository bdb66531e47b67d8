// Deleting a Torrent: remove the torrent from qBittorrent only if this Torrent added it (its
// owner tag), with files only if delete_files_on_removal; adopted and duplicate ones are released.
import type { ReconcileContext } from "../../framework/context.js";
import { done, type Outcome } from "../../framework/outcome.js";
import { objectKey } from "../../framework/resource.js";
import type { Torrent } from "../../generated/torrent.js";
import { lookupHashes } from "../../clients/qbittorrent/infohash.js";
import { resolveClient } from "./client-resolution.js";
import { QbittorrentError } from "../../clients/qbittorrent/errors.js";
import {
  clientFailure,
  parseOrRefuse,
  syncedBackend,
  type TorrentDependencies,
} from "./reconcile-torrent.js";
import { ownerKeyFromTags } from "./torrent-identity.js";

export async function finalizeTorrent(
  ctx: ReconcileContext<Torrent>,
  deps: TorrentDependencies,
): Promise<Outcome> {
  const torrent = ctx.object;
  const key = objectKey(torrent);
  const hash = torrent.status?.hash;
  try {
    if (!hash || torrent.status?.adopted === true) {
      if (hash)
        await ctx.event(
          "Normal",
          "Released",
          `torrent ${hash} stays in qBittorrent: it was adopted, not added`,
        );
      return done;
    }
    const resolution = resolveClient(torrent, ctx.cache, deps.defaultTarget);
    if (resolution.kind !== "ready") {
      await ctx.event(
        "Warning",
        "Released",
        `cannot reach the qBittorrent of this Torrent (${resolution.message}); torrent ${hash} left in place`,
      );
      return done;
    }
    let hashes: string[] = [hash];
    try {
      hashes = [...new Set([hash, ...lookupHashes(parseOrRefuse(torrent.spec.magnet_uri))])];
    } catch {
      // an invalid magnet was never added; the status hash is all there is
    }
    const backend = deps.backends.acquire(key, resolution.target, hashes);
    await syncedBackend(ctx, backend, resolution.target);
    const info = backend.poller.get(hash);
    if (!info) return done;
    if (ownerKeyFromTags(info.tags) !== key) {
      await ctx.event(
        "Normal",
        "Released",
        `torrent ${hash} is not this Torrent's to delete; left in qBittorrent`,
      );
      return done;
    }
    const deleteFiles = torrent.spec.delete_files_on_removal === true;
    try {
      await backend.poller.enqueueDelete(hash, deleteFiles);
    } catch (error) {
      // qBittorrent went away mid-delete: keep the finalizer and try again after the backoff.
      if (error instanceof QbittorrentError) {
        throw clientFailure(ctx, resolution.target, error, backend.poller.health().consecutiveFailures + 1);
      }
      throw error;
    }
    await ctx.event(
      "Normal",
      "Removed",
      `removed torrent ${hash} from qBittorrent${deleteFiles ? " with its files" : "; files kept"}`,
    );
    return done;
  } finally {
    deps.progressWrites.delete(key);
    await deps.backends.release(key);
  }
}
