// The Torrent reconcile: parse the magnet, resolve the qBittorrent, find or add the torrent through
// the port's shared poller, settle ownership (owned, adopted or duplicate; recorded in the status),
// converge settings, and report qBittorrent's view in the status.
import { lookupHashes, type ParsedMagnet } from "../../clients/qbittorrent/infohash.js";
import type { QbittorrentTorrent } from "../../clients/qbittorrent/api-types.js";
import { QbittorrentError } from "../../clients/qbittorrent/errors.js";
import type { TorrentAddOutcome } from "../../clients/qbittorrent/torrent-write-batcher.js";
import type { ReconcileContext } from "../../framework/context.js";
import { PermanentError, done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import { objectKey } from "../../framework/resource.js";
import type { Torrent } from "../../generated/torrent.js";
import { convergeSettings } from "./converge-settings.js";
import type { QbittorrentPort, TorrentBackend } from "./qbittorrent-port.js";
import { ensureStackOwnerReference } from "./stack-owner-reference.js";
import { managedTag, parseOrRefuse } from "./torrent-identity.js";
import { decideOwnership, liveClaimants, type Ownership } from "./torrent-ownership.js";
import { availableCondition, degradedCondition } from "./torrent-reasons.js";
import { presenceConditions, reportedFields } from "./torrent-status.js";

export async function reconcileTorrent(
  ctx: ReconcileContext<Torrent>,
  port: QbittorrentPort,
): Promise<Outcome> {
  const torrent = ctx.object;
  const parsed = parseOrRefuse(torrent.spec.magnet_uri);
  const resolution = port.resolve(torrent, ctx.cache);
  if (resolution.kind !== "ready") {
    ctx.setCondition(availableCondition(resolution.reason, resolution.message));
    // A waiting Torrent is woken by the MediaStack/Secret watch; an invalid reference is re-read slowly too.
    return resolution.kind === "invalid" ? requeueAfter(300_000) : done;
  }
  const { target } = resolution;
  const waited = ctx.conditions.some((c) => c.type === "Available" && c.reason === "WaitingForMediaStack");
  if (waited)
    await ctx.event("Normal", "MediaStackReady", `${target.source} is ready; using its qBittorrent`);
  if (target.mediaStack) await ensureStackOwnerReference(ctx, target.mediaStack);
  const backend = await port.connect(objectKey(torrent), target, lookupHashes(parsed));
  return port.call(backend, () => reportTorrent(ctx, port, backend, parsed));
}

async function reportTorrent(
  ctx: ReconcileContext<Torrent>,
  port: QbittorrentPort,
  backend: TorrentBackend,
  parsed: ParsedMagnet,
): Promise<Outcome> {
  const torrent = ctx.object;
  const key = objectKey(torrent);
  const found = backend.poller.findByParsedMagnet(parsed);
  const added = found ? undefined : await addTorrent(ctx, backend);
  const info = found ?? added?.torrent;
  if (!info) throw new Error("qBittorrent answered the add without the torrent");
  const hashes = [...new Set([...lookupHashes(parsed), info.hash])];
  port.track(key, backend, hashes);
  const claimants = liveClaimants(ctx.cache, hashes, (other) =>
    port.sameTarget(other, ctx.cache, backend.target),
  );
  let ownership = decideOwnership(info, torrent, claimants);
  if (ownership.kind === "claim") {
    ownership = await claim(ctx, info, added?.added === true, backend.target.source);
  }

  const decision = port.decideProgress(key, torrent.status ?? {}, reportedFields(info, torrent.status));
  Object.assign(ctx.status, decision.fields, { qbittorrent: backend.target.url });
  const outcome = decision.requeueAfterMs === undefined ? done : requeueAfter(decision.requeueAfterMs);
  if (ownership.kind === "duplicate") {
    const message = `torrent ${info.hash} is already managed by Torrent ${ownership.of}; this one only reports it`;
    ctx.setCondition(availableCondition("DuplicateTorrent", message));
    ctx.setCondition(degradedCondition("DuplicateTorrent", message));
    ctx.status.adopted = undefined;
    return outcome;
  }
  const adopted = ownership.kind === "adopted";
  if (adopted && torrent.status?.adopted !== true) {
    await ctx.event(
      "Normal",
      "Adopted",
      `torrent ${info.hash} was already in qBittorrent: adopted, and released (not deleted) with this Torrent`,
    );
  }
  ctx.status.adopted = adopted;
  await convergeSettings(backend.client, info, torrent.spec);
  for (const condition of presenceConditions(info)) ctx.setCondition(condition);
  logCompleted(ctx, info);
  return outcome;
}

/**
 * Takes a torrent the operator added that no live CR records (just added, added before a crash, or
 * left by a deleted owner): the status this run writes records it, so no qBittorrent request is needed.
 */
async function claim(
  ctx: ReconcileContext<Torrent>,
  info: QbittorrentTorrent,
  justAdded: boolean,
  source: string,
): Promise<Ownership> {
  if (justAdded) {
    await ctx.event("Normal", "Added", `added torrent ${info.hash} to qBittorrent (${source})`);
  } else if (ctx.conditions.some((c) => c.type === "Available" && c.reason === "DuplicateTorrent")) {
    await ctx.event(
      "Normal",
      "OwnershipTransferred",
      `torrent ${info.hash} is managed by this Torrent now: the Torrent that managed it was deleted`,
    );
  }
  return { kind: "owner" };
}

/** The seed's "Torrent reconciliation completed": info when the state or availability moved, else debug. */
function logCompleted(ctx: ReconcileContext<Torrent>, info: QbittorrentTorrent): void {
  const before = ctx.object.status;
  const availableBefore = before?.conditions?.find((c) => c.type === "Available");
  const availableNow = ctx.conditions.find((c) => c.type === "Available");
  const moved =
    before?.state !== info.state ||
    availableBefore?.status !== availableNow?.status ||
    availableBefore?.reason !== availableNow?.reason;
  const meta = { hash: info.hash, state: info.state, progress: ctx.status.progress };
  if (moved) ctx.log.info("Torrent reconciliation completed", meta);
  else ctx.log.debug("Torrent reconciliation completed", meta);
}

/** Adds the magnet through the poller's batch; `added` says whether this request added it (else it was there). */
async function addTorrent(
  ctx: ReconcileContext<Torrent>,
  backend: TorrentBackend,
): Promise<{ torrent: QbittorrentTorrent; added: boolean }> {
  const { spec } = ctx.object;
  const { target } = backend;
  const savePath =
    spec.save_path ?? (target.mediaStack && spec.category ? `/data/torrents/${spec.category}` : undefined);
  let outcome: TorrentAddOutcome;
  try {
    outcome = await backend.poller.enqueueAdd({
      magnetUri: spec.magnet_uri,
      savePath,
      category: spec.category,
      // Per-Torrent tags would split the batch into one request per Torrent: ownership is in the status.
      tags: [managedTag, ...(spec.tags ?? [])],
      paused: spec.paused,
      upLimit: spec.upload_limit,
      dlLimit: spec.download_limit,
    });
  } catch (error) {
    const reason = error instanceof QbittorrentError ? error.reason : "Unknown";
    ctx.log.warn("Failed to add torrent to qBittorrent", { url: target.url, reason, error: String(error) });
    throw error;
  }
  if (outcome.outcome === "invalid") {
    ctx.log.warn("Failed to add torrent to qBittorrent", {
      url: target.url,
      reason: "InvalidMagnet",
      error: outcome.message,
    });
    throw new PermanentError(
      "InvalidMagnet",
      `qBittorrent refused the magnet: ${outcome.message}`,
      "Available",
    );
  }
  return { torrent: outcome.torrent, added: outcome.outcome === "added" };
}
