// Deleting a MediaStack: first its Torrents go (their finalizers remove the torrents while the stack's
// qBittorrent still runs), then the cluster-scoped /data volume is deleted or kept per reclaimPolicy.
import type { V1PersistentVolume } from "@kubernetes/client-node";
import { FINALIZING } from "../../framework/conditions.js";
import type { ReconcileContext } from "../../framework/context.js";
import { isNotFound } from "../../framework/kube-api.js";
import { done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import { builtinResources } from "../../framework/resource.js";
import type { MediaStack } from "../../generated/mediastack.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";
import { isStackVolume } from "./data-volume.js";
import { dataVolumeName } from "./names.js";
import { stackIdentity } from "./stack-identity.js";
import { resolveReclaimPolicy } from "./stack-settings.js";

/** How long the stack waits for its Torrents before it lets its qBittorrent go anyway. */
export const torrentRemovalDeadlineMs = 5 * 60_000;
/** A fallback look while waiting; the Torrent watch normally wakes the stack first. */
const torrentWaitRetryMs = 10_000;

/**
 * The Torrents this stack must outlive: those with an owner reference to it (the garbage collector
 * would delete them only after the stack is gone, together with its qBittorrent), and those that
 * use it through client_ref and are already being deleted.
 */
export function torrentsHoldingStack(stack: MediaStack, torrents: readonly Torrent[]): Torrent[] {
  const uid = stack.metadata.uid;
  const name = stack.metadata.name;
  return torrents.filter(
    (torrent) =>
      (torrent.metadata.ownerReferences ?? []).some((ref) => ref.uid === uid) ||
      (torrent.metadata.deletionTimestamp !== undefined &&
        torrent.spec.client_ref?.kind === "MediaStack" &&
        torrent.spec.client_ref.name === name),
  );
}

/**
 * Shows the wait in status: the framework derives Ready=False from the Finalizing condition and posts
 * one Event when the wait begins; status.qbittorrent is kept.
 */
function reportWaiting(ctx: ReconcileContext<MediaStack>, message: string): void {
  ctx.setCondition({ type: FINALIZING, status: true, reason: "WaitingForTorrents", message });
}

/** Deletes the stack's Torrents and reports whether any is still there (within the deadline). */
async function removeTorrents(ctx: ReconcileContext<MediaStack>): Promise<boolean> {
  const { namespace } = stackIdentity(ctx.object);
  const holding = torrentsHoldingStack(ctx.object, ctx.cache.list<Torrent>(TorrentResource, namespace));
  if (holding.length === 0) return false;
  for (const torrent of holding) {
    if (torrent.metadata.deletionTimestamp) continue;
    try {
      await ctx.api.delete(TorrentResource, namespace, torrent.metadata.name ?? "");
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const names = holding.map((torrent) => torrent.metadata.name ?? "").sort();
  const listed =
    names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", ");
  const deleting = Date.parse(String(ctx.object.metadata.deletionTimestamp ?? ""));
  if (Number.isFinite(deleting) && Date.now() - deleting > torrentRemovalDeadlineMs) {
    await ctx.event(
      "Warning",
      "TorrentsNotRemoved",
      `Torrents ${listed} still exist after ${torrentRemovalDeadlineMs / 60_000} minutes; deleting the stack ` +
        "anyway, their torrents may stay in qBittorrent's data",
    );
    return false;
  }
  reportWaiting(
    ctx,
    `waiting for ${names.length} Torrent(s) (${listed}) to remove their torrents from qBittorrent ` +
      "before the stack's qBittorrent is deleted",
  );
  return true;
}

/**
 * The volume carries no owner reference, so only this finalizer can remove it. Delete: the object
 * goes (kubernetes.io/pv-protection holds it until the claim is gone). Retain: it stays, Released,
 * with its claimRef left as it is, so no other claim can grab the library; re-creating the stack
 * (same namespace and name) binds it again. Files on the NFS server are never deleted.
 */
async function releaseDataVolume(ctx: ReconcileContext<MediaStack>): Promise<void> {
  const { name, namespace } = stackIdentity(ctx.object);
  const volumeName = dataVolumeName(namespace, name);
  const volume = ctx.cache.get<V1PersistentVolume>(builtinResources.PersistentVolume, undefined, volumeName);
  if (!volume || !isStackVolume(volume, namespace, name)) return;
  if (resolveReclaimPolicy(ctx.object.spec) === "Delete") {
    // pv-protection holds a deleted volume until its claim is gone; a later run must not delete (and
    // announce) it again.
    if (volume.metadata?.deletionTimestamp) return;
    await ctx.children.delete(builtinResources.PersistentVolume, undefined, volumeName);
    await ctx.event(
      "Normal",
      "DataVolumeDeleted",
      `deleted PersistentVolume ${volumeName} (reclaimPolicy Delete); files on the NFS server are kept`,
    );
    return;
  }
  await ctx.event(
    "Normal",
    "DataVolumeRetained",
    `kept PersistentVolume ${volumeName} (reclaimPolicy Retain): it stays Released for this stack's ` +
      "name; delete it by hand to free it",
  );
}

export async function finalizeMediaStack(ctx: ReconcileContext<MediaStack>): Promise<Outcome> {
  if (await removeTorrents(ctx)) return requeueAfter(torrentWaitRetryMs);
  await releaseDataVolume(ctx);
  return done;
}
