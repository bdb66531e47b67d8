// Deleting a Torrent: the torrent leaves qBittorrent only when the operator added it and no other live
// CR names it (files only if this last one asks); otherwise another CR carries on, or it is released.
import type { QbittorrentTorrent } from "../../clients/qbittorrent/api-types.js";
import { lookupHashes, parseMagnet, type ParsedMagnet } from "../../clients/qbittorrent/infohash.js";
import type { ReconcileContext } from "../../framework/context.js";
import { TemporaryError, done, type Outcome } from "../../framework/outcome.js";
import { objectKey } from "../../framework/resource.js";
import type { Torrent } from "../../generated/torrent.js";
import type { QbittorrentTarget } from "./client-resolution.js";
import type { QbittorrentPort, TorrentBackend } from "./qbittorrent-port.js";
import { liveClaimants, recordsManaging, removesWhenLast } from "./torrent-ownership.js";

function parsed(torrent: Torrent): ParsedMagnet | undefined {
  try {
    return parseMagnet(torrent.spec.magnet_uri);
  } catch {
    return undefined;
  }
}

/**
 * The torrent as qBittorrent has it now. The poller's snapshot may predate this CR's own add (a
 * Torrent deleted right after it was created), so absence there is checked with qBittorrent itself:
 * the hashes come from the magnet, never from a status that may not be written yet.
 */
async function currentTorrent(
  port: QbittorrentPort,
  backend: TorrentBackend,
  magnet: ParsedMagnet,
  hashes: readonly string[],
): Promise<QbittorrentTorrent | undefined> {
  const cached = backend.poller.findByParsedMagnet(magnet);
  if (cached) return cached;
  return (await port.call(backend, () => backend.client.torrentsInfo(hashes)))[0];
}

/**
 * The backend, or undefined when qBittorrent cannot be reached and this Torrent never reported a hash:
 * it never got as far as a torrent, so waiting for a qBittorrent that may never come back would only
 * block the deletion. One that reported a hash keeps its finalizer until qBittorrent answers.
 */
async function connectOrGiveUp(
  ctx: ReconcileContext<Torrent>,
  port: QbittorrentPort,
  key: string,
  target: QbittorrentTarget,
  hashes: readonly string[],
): Promise<TorrentBackend | undefined> {
  try {
    return await port.connect(key, target, hashes);
  } catch (error) {
    if (!(error instanceof TemporaryError) || ctx.object.status?.hash) throw error;
    await ctx.event(
      "Warning",
      "Released",
      `qBittorrent is unreachable (${error.message}) and this Torrent never reported a torrent: nothing to remove`,
    );
    return undefined;
  }
}

/**
 * Forgets the Torrent once its finalizer is done. A failed finalize stays tracked, so qBittorrent's
 * recovery wakes it at once instead of after its backoff.
 */
export async function finalizeTorrent(
  ctx: ReconcileContext<Torrent>,
  port: QbittorrentPort,
): Promise<Outcome> {
  const outcome = await settleTorrent(ctx, port);
  await port.release(objectKey(ctx.object));
  return outcome;
}

async function settleTorrent(ctx: ReconcileContext<Torrent>, port: QbittorrentPort): Promise<Outcome> {
  const torrent = ctx.object;
  const key = objectKey(torrent);
  const magnet = parsed(torrent);
  // An invalid magnet was never added.
  if (!magnet) return done;
  const hashes = [
    ...new Set([...lookupHashes(magnet), ...(torrent.status?.hash ? [torrent.status.hash] : [])]),
  ];
  const resolution = port.resolve(torrent, ctx.cache);
  if (resolution.kind !== "ready") {
    await ctx.event(
      "Warning",
      "Released",
      `cannot reach the qBittorrent of this Torrent (${resolution.message}); its torrent is left in place`,
    );
    return done;
  }
  const backend = await connectOrGiveUp(ctx, port, key, resolution.target, hashes);
  if (!backend) return done;
  const info = await currentTorrent(port, backend, magnet, hashes);
  if (!info) return done;
  const others = liveClaimants(ctx.cache, [...hashes, info.hash], (other) =>
    port.sameTarget(other, ctx.cache, backend.target),
  ).filter((other) => objectKey(other) !== key);
  const [next] = others;
  if (next) {
    // Another live CR names it: it stays, and the one that manages it (or the oldest) carries on.
    const manager = others.find((other) => recordsManaging(other, info.hash)) ?? next;
    await ctx.event(
      "Normal",
      "Released",
      `torrent ${info.hash} stays in qBittorrent with its files: Torrent ${objectKey(manager)} still names it and manages it`,
    );
    return done;
  }
  if (!removesWhenLast(info, torrent)) {
    await ctx.event(
      "Normal",
      "Released",
      `torrent ${info.hash} stays in qBittorrent: it was adopted, not added`,
    );
    return done;
  }
  const deleteFiles = torrent.spec.delete_files_on_removal === true;
  // qBittorrent going away mid-delete keeps the finalizer: the port's failure is retried after its backoff.
  await port.call(backend, () => backend.poller.enqueueDelete(info.hash, deleteFiles));
  await ctx.event(
    "Normal",
    "Removed",
    `removed torrent ${info.hash} from qBittorrent${deleteFiles ? " with its files" : "; files kept"}`,
  );
  return done;
}
