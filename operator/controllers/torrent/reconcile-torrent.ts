// The Torrent reconcile: parse the magnet, resolve the qBittorrent, find or add the torrent through
// the port's shared poller, settle ownership (owned, adopted or duplicate), converge settings, and
// report qBittorrent's view in the status.
import { lookupHashes, parseMagnet, type ParsedMagnet } from "../../clients/qbittorrent/infohash.js";
import type { QbittorrentTorrent } from "../../clients/qbittorrent/api-types.js";
import { QbittorrentError } from "../../clients/qbittorrent/errors.js";
import type { TorrentAddOutcome } from "../../clients/qbittorrent/torrent-write-batcher.js";
import type { ReconcileContext } from "../../framework/context.js";
import { PermanentError, done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import { objectKey } from "../../framework/resource.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";
import { convergeSettings } from "./converge-settings.js";
import type { QbittorrentPort, TorrentBackend } from "./qbittorrent-port.js";
import { ensureStackOwnerReference } from "./stack-owner-reference.js";
import { managedTag, ownerKeyFromTags, ownerTag, parseOrRefuse, tagList } from "./torrent-identity.js";
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
  let info = backend.poller.findByParsedMagnet(parsed);
  if (!info) info = await addTorrent(ctx, backend);
  else info = await claimIfUnowned(ctx, backend, info);
  port.track(key, backend, [...new Set([...lookupHashes(parsed), info.hash])]);

  const owner = ownerKeyFromTags(info.tags);
  const duplicateOf = findDuplicateOwner(ctx, info, owner, key);
  const decision = port.decideProgress(key, torrent.status ?? {}, reportedFields(info, torrent.status));
  Object.assign(ctx.status, decision.fields, { qbittorrent: backend.target.url });
  const outcome = decision.requeueAfterMs === undefined ? done : requeueAfter(decision.requeueAfterMs);
  if (duplicateOf) {
    const message = `torrent ${info.hash} is already managed by Torrent ${duplicateOf}; this one only reports it`;
    ctx.setCondition(availableCondition("DuplicateTorrent", message));
    ctx.setCondition(degradedCondition("DuplicateTorrent", message));
    ctx.status.adopted = undefined;
    return outcome;
  }
  const adopted = owner !== key;
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

async function addTorrent(
  ctx: ReconcileContext<Torrent>,
  backend: TorrentBackend,
): Promise<QbittorrentTorrent> {
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
      // Per-Torrent tags would split the batch into one request per Torrent: the owner tag follows.
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
  if (outcome.outcome === "added") {
    const tag = ownerTag(ctx.object);
    await backend.client.addTags([outcome.hash], [tag]);
    await ctx.event("Normal", "Added", `added torrent ${outcome.hash} to qBittorrent (${target.source})`);
    return { ...outcome.torrent, tags: [...tagList(outcome.torrent.tags), tag].join(", ") };
  }
  return claimIfUnowned(ctx, backend, outcome.torrent);
}

/**
 * A torrent with the operator's tag but no owner tag was added by an operator that stopped before
 * tagging it: the oldest live Torrent naming it claims it (after a fresh read), so it is never orphaned.
 */
async function claimIfUnowned(
  ctx: ReconcileContext<Torrent>,
  backend: TorrentBackend,
  info: QbittorrentTorrent,
): Promise<QbittorrentTorrent> {
  const tags = tagList(info.tags);
  if (!tags.includes(managedTag) || ownerKeyFromTags(info.tags) !== undefined) return info;
  const key = objectKey(ctx.object);
  const claimant = ctx.cache
    .list<Torrent>(TorrentResource)
    .filter((other) => !other.metadata.deletionTimestamp && namesHash(other, info.hash))
    .sort((a, b) => creationOrder(a) - creationOrder(b) || objectKey(a).localeCompare(objectKey(b)))[0];
  if (claimant !== undefined && objectKey(claimant) !== key) return info;
  const fresh = (await backend.client.torrentsInfo([info.hash]))[0] ?? info;
  if (ownerKeyFromTags(fresh.tags) !== undefined) return fresh;
  const tag = ownerTag(ctx.object);
  await backend.client.addTags([fresh.hash], [tag]);
  return { ...fresh, tags: [...tagList(fresh.tags), tag].join(", ") };
}

function namesHash(torrent: Torrent, hash: string): boolean {
  try {
    return lookupHashes(parseMagnet(torrent.spec.magnet_uri)).includes(hash);
  } catch {
    return false;
  }
}

function creationOrder(torrent: Torrent): number {
  return new Date(torrent.metadata.creationTimestamp ?? 0).getTime();
}

/** The Torrent that already manages this torrent, if it is another live one. */
function findDuplicateOwner(
  ctx: ReconcileContext<Torrent>,
  info: QbittorrentTorrent,
  owner: string | undefined,
  key: string,
): string | undefined {
  if (owner === key) return undefined;
  const others = ctx.cache
    .list<Torrent>(TorrentResource)
    .filter((other) => objectKey(other) !== key && !other.metadata.deletionTimestamp);
  if (owner !== undefined && others.some((other) => objectKey(other) === owner)) return owner;
  // An adopted torrent has no owner tag: the oldest live Torrent that adopted it keeps it.
  const me = ctx.object.metadata.creationTimestamp ?? new Date();
  const adopter = others
    .filter((other) => other.status?.hash === info.hash && other.status.adopted === true)
    .filter((other) => (other.metadata.creationTimestamp ?? new Date()) <= me)
    .map(objectKey)
    .sort()[0];
  return adopter;
}
