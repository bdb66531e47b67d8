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
import { QbittorrentError } from "../../clients/qbittorrent/errors.js";
import type { TorrentAddOutcome } from "../../clients/qbittorrent/torrent-write-batcher.js";
import type { ReconcileContext } from "../../framework/context.js";
import { PermanentError, TemporaryError, done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import { objectKey } from "../../framework/resource.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";
import { resolveClient, type DefaultTarget, type QbittorrentTarget } from "./client-resolution.js";
import { describeClientFailure } from "./client-failure.js";
import { convergeSettings } from "./converge-settings.js";
import { decideProgressWrite } from "./progress-coalescing.js";
import type { TorrentBackend, TorrentBackends } from "./torrent-backends.js";
import { ensureStackOwnerReference } from "./stack-owner-reference.js";
import { managedTag, ownerKeyFromTags, ownerTag, tagList } from "./torrent-identity.js";
import { presenceConditions, reportedFields } from "./torrent-status.js";

export interface TorrentDependencies {
  backends: TorrentBackends;
  defaultTarget: DefaultTarget | undefined;
  /** A downloading torrent's progress is written at most once per this interval (0: every change). */
  progressIntervalMs: number;
  /** When each Torrent's progress was last written by this process (by "namespace/name"). */
  progressWrites: Map<string, number>;
  now?: () => number;
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
  throw clientFailure(ctx, target, health.lastError, health.consecutiveFailures);
}

/** Available=Unknown with ClientUnavailable/AuthenticationFailed; the framework adds Ready=False and an Event. */
export function clientFailure(
  ctx: ReconcileContext<Torrent>,
  target: QbittorrentTarget,
  error: QbittorrentError | undefined,
  consecutiveFailures: number,
): TemporaryError {
  const failure = describeClientFailure(
    error,
    `qBittorrent at ${target.url} (${target.source})`,
    consecutiveFailures,
  );
  ctx.setCondition({
    type: "Available",
    status: "Unknown",
    reason: failure.reason,
    message: failure.message,
  });
  return new TemporaryError(failure.reason, failure.message, failure.retryAfterMs);
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
  try {
    return await reportTorrent(ctx, deps, backend, target, parsed);
  } catch (error) {
    if (error instanceof QbittorrentError) {
      throw clientFailure(ctx, target, error, backend.poller.health().consecutiveFailures + 1);
    }
    throw error;
  }
}

async function reportTorrent(
  ctx: ReconcileContext<Torrent>,
  deps: TorrentDependencies,
  backend: TorrentBackend,
  target: QbittorrentTarget,
  parsed: ParsedMagnet,
): Promise<Outcome> {
  const torrent = ctx.object;
  const key = objectKey(torrent);
  let info = backend.poller.findByParsedMagnet(parsed);
  if (!info) info = await addTorrent(ctx, backend, target);
  else info = await claimIfUnowned(ctx, backend, info);
  deps.backends.index.track(key, target.id, [...new Set([...lookupHashes(parsed), info.hash])]);

  const owner = ownerKeyFromTags(info.tags);
  const duplicateOf = findDuplicateOwner(ctx, info, owner, key);
  const now = (deps.now ?? Date.now)();
  const decision = decideProgressWrite({
    previous: torrent.status ?? {},
    next: reportedFields(info, torrent.status),
    lastProgressWriteAt: deps.progressWrites.get(key),
    now,
    intervalMs: deps.progressIntervalMs,
  });
  if (decision.writesProgress) deps.progressWrites.set(key, now);
  Object.assign(ctx.status, decision.fields, { qbittorrent: target.url });
  const outcome = decision.requeueAfterMs === undefined ? done : requeueAfter(decision.requeueAfterMs);
  if (duplicateOf) {
    const message = `torrent ${info.hash} is already managed by Torrent ${duplicateOf}; this one only reports it`;
    ctx.setCondition({ type: "Available", status: false, reason: "DuplicateTorrent", message });
    ctx.setCondition({ type: "Degraded", status: true, reason: "DuplicateTorrent", message });
    ctx.status.adopted = undefined;
    await ctx.event("Warning", "DuplicateTorrent", message);
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
  target: QbittorrentTarget,
): Promise<QbittorrentTorrent> {
  const { spec } = ctx.object;
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
    throw new PermanentError("InvalidMagnet", `qBittorrent refused the magnet: ${outcome.message}`);
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
