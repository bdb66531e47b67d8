// Deleting a Torrent: remove the torrent from qBittorrent only if this Torrent added it (its
// owner tag), with files only if delete_files_on_removal; adopted and duplicate ones are released.
import { lookupHashes } from "../../clients/qbittorrent/infohash.js";
import type { ReconcileContext } from "../../framework/context.js";
import { done, type Outcome } from "../../framework/outcome.js";
import { objectKey } from "../../framework/resource.js";
import type { Torrent } from "../../generated/torrent.js";
import type { QbittorrentPort } from "./qbittorrent-port.js";
import { ownerKeyFromTags, parseOrRefuse } from "./torrent-identity.js";

/** The status hash and the magnet's own hashes (an invalid magnet was never added: the status is all there is). */
function hashesOf(torrent: Torrent, hash: string): string[] {
  try {
    return [...new Set([hash, ...lookupHashes(parseOrRefuse(torrent.spec.magnet_uri))])];
  } catch {
    return [hash];
  }
}

export async function finalizeTorrent(
  ctx: ReconcileContext<Torrent>,
  port: QbittorrentPort,
): Promise<Outcome> {
  const torrent = ctx.object;
  const key = objectKey(torrent);
  const hash = torrent.status?.hash;
  try {
    if (!hash || torrent.status?.adopted === true) {
      if (hash) {
        await ctx.event(
          "Normal",
          "Released",
          `torrent ${hash} stays in qBittorrent: it was adopted, not added`,
        );
      }
      return done;
    }
    const resolution = port.resolve(torrent, ctx.cache);
    if (resolution.kind !== "ready") {
      await ctx.event(
        "Warning",
        "Released",
        `cannot reach the qBittorrent of this Torrent (${resolution.message}); torrent ${hash} left in place`,
      );
      return done;
    }
    const backend = await port.connect(key, resolution.target, hashesOf(torrent, hash));
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
    // qBittorrent going away mid-delete keeps the finalizer: the port's failure is retried after its backoff.
    await port.call(backend, () => backend.poller.enqueueDelete(hash, deleteFiles));
    await ctx.event(
      "Normal",
      "Removed",
      `removed torrent ${hash} from qBittorrent${deleteFiles ? " with its files" : "; files kept"}`,
    );
    return done;
  } finally {
    await port.release(key);
  }
}
