// The Torrent reconcile: parse the magnet, resolve the qBittorrent, find or add the torrent
// through the shared poller, settle ownership (owned, adopted or duplicate), converge settings,
// and report qBittorrent's view in the status.
import {
  InvalidMagnetError,
  lookupHashes,
  parseMagnet,
  type ParsedMagnet,
} from "../../clients/qbittorrent/infohash.js";
import type { QbittorrentTorrent } from "../../clients/qbittorrent/api-types.js";
import type { ReconcileContext } from "../../framework/context.js";
import { PermanentError, TemporaryError, done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import { objectKey } from "../../framework/resource.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";
import { resolveClient, type DefaultTarget, type QbittorrentTarget } from "./client-resolution.js";
import { convergeSettings } from "./converge-settings.js";
import type { TorrentBackend, TorrentBackends } from "./torrent-backends.js";
import { ensureStackOwnerReference } from "./stack-owner-reference.js";
import { managedTag, ownerKeyFromTags, ownerTag } from "./torrent-identity.js";
import { presenceConditions, reportedFields } from "./torrent-status.js";

export interface TorrentDependencies {
  backends: TorrentBackends;
  defaultTarget: DefaultTarget | undefined;
}

export function parseOrRefuse(magnet: string): ParsedMagnet {
  try {
    return parseMagnet(magnet);
  } catch (error) {
    if (error instanceof InvalidMagnetError) throw new PermanentError("InvalidMagnet", error.message);
    throw error;
  }
}

/** Waits for the poller's first snapshot; an unhealthy qBittorrent becomes a visible, retried condition. */
export async function syncedBackend(
  ctx: ReconcileContext<Torrent>,
  backend: TorrentBackend,
  target: QbittorrentTarget,
): Promise<void> {
  if (!backend.poller.health().synced) await backend.poller.pollNow();
  const health = backend.poller.health();
  if (health.synced && health.healthy) return;
  const reason = health.lastError?.reason ?? "QbittorrentUnavailable";
  const message = `qBittorrent at ${target.url} (${target.source}): ${health.lastError?.message ?? "not reachable yet"}`;
  ctx.setCondition({ type: "Available", status: "Unknown", reason, message });
  throw new TemporaryError(reason, message, 5_000);
}

export async function reconcileTorrent(
  ctx: ReconcileContext<Torrent>,
  deps: TorrentDependencies,
): Promise<Outcome> {
  const torrent = ctx.object;
  const key = objectKey(torrent);
  const parsed = parseOrRefuse(torrent.spec.magnet_uri);

  const resolution = resolveClient(torrent, ctx.cache, deps.defaultTarget);
  if (resolution.kind !== "ready") {
    ctx.setCondition({
      type: "Available",
      status: false,
      reason: resolution.reason,
      message: resolution.message,
    });
    await ctx.event(
      resolution.kind === "invalid" ? "Warning" : "Normal",
      resolution.reason,
      resolution.message,
    );
    // A waiting Torrent is woken by the MediaStack/Secret watch; an invalid reference is re-read slowly too.
    return resolution.kind === "invalid" ? requeueAfter(300_000) : done;
  }
  const { target } = resolution;
  const wasWaiting = ctx.conditions.some(
    (c) => c.type === "Available" && c.reason === "WaitingForMediaStack",
  );
  if (wasWaiting)
    await ctx.event("Normal", "MediaStackReady", `${target.source} is ready; using its qBittorrent`);

  if (target.mediaStack) await ensureStackOwnerReference(ctx, target.mediaStack);
  const backend = deps.backends.acquire(key, target, lookupHashes(parsed));
  await syncedBackend(ctx, backend, target);

  let info = backend.poller.findByParsedMagnet(parsed);
  if (!info) info = await addTorrent(ctx, backend, target);
  deps.backends.index.track(key, target.id, [...new Set([...lookupHashes(parsed), info.hash])]);

  const owner = ownerKeyFromTags(info.tags);
  const duplicateOf = findDuplicateOwner(ctx, info, owner, key);
  Object.assign(ctx.status, reportedFields(info, torrent.status), { qbittorrent: target.url });
  if (duplicateOf) {
    const message = `torrent ${info.hash} is already managed by Torrent ${duplicateOf}; this one only reports it`;
    ctx.setCondition({ type: "Available", status: false, reason: "DuplicateTorrent", message });
    ctx.setCondition({ type: "Degraded", status: true, reason: "DuplicateTorrent", message });
    ctx.status.adopted = undefined;
    await ctx.event("Warning", "DuplicateTorrent", message);
    return done;
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
  return done;
}

async function addTorrent(
  ctx: ReconcileContext<Torrent>,
  backend: TorrentBackend,
  target: QbittorrentTarget,
): Promise<QbittorrentTorrent> {
  const { spec } = ctx.object;
  const savePath =
    spec.save_path ?? (target.mediaStack && spec.category ? `/data/torrents/${spec.category}` : undefined);
  const outcome = await backend.poller.enqueueAdd({
    magnetUri: spec.magnet_uri,
    savePath,
    category: spec.category,
    tags: [managedTag, ownerTag(ctx.object), ...(spec.tags ?? [])],
    paused: spec.paused,
    upLimit: spec.upload_limit,
    dlLimit: spec.download_limit,
  });
  if (outcome.outcome === "invalid") {
    throw new PermanentError("InvalidMagnet", `qBittorrent refused the magnet: ${outcome.message}`);
  }
  if (outcome.outcome === "added") {
    await ctx.event("Normal", "Added", `added torrent ${outcome.hash} to qBittorrent (${target.source})`);
  }
  return outcome.torrent;
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
