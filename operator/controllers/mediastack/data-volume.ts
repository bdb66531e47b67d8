// Applies the stack's cluster-scoped /data PersistentVolume (no owner reference: owner labels), and
// replaces an old volume of the stack whose immutable NFS source differs, when nothing is bound to it.
import type { V1PersistentVolume, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { ReconcileContext } from "../../framework/context.js";
import { patchTypes } from "../../framework/kube-api.js";
import { TemporaryError } from "../../framework/outcome.js";
import { builtinResources } from "../../framework/resource.js";
import type { MediaStack } from "../../generated/mediastack.js";
import { dataClaimName, dataVolumeName, persistentVolumeOwnerLabels } from "./names.js";
import { stackIdentity } from "./stack-identity.js";

/** The stack's volume and claim as the cache has them. */
export interface ObservedDataObjects {
  readonly volume?: V1PersistentVolume;
  /** The stack's own `<stack>-data` claim (not an existing claim). */
  readonly claim?: V1PersistentVolumeClaim;
}

export function observeDataBinding(ctx: ReconcileContext<MediaStack>): ObservedDataObjects {
  const { name, namespace } = stackIdentity(ctx.object);
  return {
    volume: ctx.cache.get<V1PersistentVolume>(
      builtinResources.PersistentVolume,
      undefined,
      dataVolumeName(namespace, name),
    ),
    claim: ctx.cache.get<V1PersistentVolumeClaim>(
      builtinResources.PersistentVolumeClaim,
      namespace,
      dataClaimName(name),
    ),
  };
}

/** The volume carries this stack's owner labels (it was rendered by this stack, not by hand). */
export function isStackVolume(volume: V1PersistentVolume, namespace: string, stack: string): boolean {
  const labels = volume.metadata?.labels ?? {};
  return Object.entries(persistentVolumeOwnerLabels(namespace, stack)).every(
    ([key, value]) => labels[key] === value,
  );
}

function sameSource(a: V1PersistentVolume, b: V1PersistentVolume): boolean {
  return a.spec?.nfs?.server === b.spec?.nfs?.server && a.spec?.nfs?.path === b.spec?.nfs?.path;
}

/** Result of ensureDataVolume: applied, or an old volume is on its way out and the next run applies. */
export type DataVolumeProgress = "applied" | "replacing" | "absent";

/**
 * A volume's source is immutable, so an existing volume of the same name with another NFS source
 * (left Retained by an earlier nfs or dittoServerRef spec, or a DittoServer whose Service got a new
 * ClusterIP) cannot be updated. It is deleted first when no live claim of the stack is bound to it
 * (files on the server are never touched); a bound one is reported and left alone.
 */
export async function ensureDataVolume(
  ctx: ReconcileContext<MediaStack>,
  desired: V1PersistentVolume | undefined,
  observed: ObservedDataObjects,
): Promise<DataVolumeProgress> {
  if (!desired) return "absent";
  const { name, namespace } = stackIdentity(ctx.object);
  const volumeName = desired.metadata?.name ?? "";
  const current = observed.volume;
  if (current?.metadata?.deletionTimestamp) return "replacing";
  if (current && !sameSource(current, desired)) {
    const from = `${current.spec?.nfs?.server ?? "?"}:${current.spec?.nfs?.path ?? "?"}`;
    const to = `${desired.spec?.nfs?.server ?? "?"}:${desired.spec?.nfs?.path ?? "?"}`;
    if (!isStackVolume(current, namespace, name)) {
      throw new TemporaryError(
        "DataVolumeConflict",
        `PersistentVolume ${volumeName} exists without this stack's owner labels; delete or rename it`,
        60_000,
      );
    }
    const claimUid = observed.claim?.metadata?.uid;
    const boundToLiveClaim =
      current.status?.phase === "Bound" && claimUid !== undefined && current.spec?.claimRef?.uid === claimUid;
    if (boundToLiveClaim) {
      throw new TemporaryError(
        "DataVolumeSourceChanged",
        `PersistentVolume ${volumeName} serves ${from} but the spec needs ${to}; a volume's source is ` +
          `immutable and the apps still use claim ${dataClaimName(name)}: delete that claim to move /data`,
        60_000,
      );
    }
    await ctx.children.delete(builtinResources.PersistentVolume, undefined, volumeName);
    await ctx.event(
      "Normal",
      "DataVolumeReplaced",
      `deleted PersistentVolume ${volumeName} (${from}) to re-create it for ${to}; no files were touched`,
    );
    return "replacing";
  }
  const applied = await ctx.children.applyUnowned(desired);
  await clearStaleClaimRef(ctx, applied, observed.claim);
  return "applied";
}

/**
 * claimRef is not an atomic struct: the uid and resourceVersion the PV controller wrote at binding
 * belong to its field manager, so an apply without them does not remove them. A Retained volume whose
 * claim was deleted keeps the old uid (Released) and would never bind the stack's new claim of the
 * same name; clear them with a JSON patch guarded by the uid it removes, and the binder does the rest.
 */
async function clearStaleClaimRef(
  ctx: ReconcileContext<MediaStack>,
  volume: V1PersistentVolume,
  claim: V1PersistentVolumeClaim | undefined,
): Promise<void> {
  const { name, namespace } = stackIdentity(ctx.object);
  const ref = volume.spec?.claimRef;
  const claimUid = claim?.metadata?.uid;
  if (!ref?.uid || !claimUid || claim?.metadata?.deletionTimestamp || ref.uid === claimUid) return;
  if (ref.namespace !== namespace || ref.name !== dataClaimName(name)) return;
  const volumeName = volume.metadata?.name ?? "";
  const patch: unknown[] = [
    { op: "test", path: "/spec/claimRef/uid", value: ref.uid },
    { op: "remove", path: "/spec/claimRef/uid" },
  ];
  if (ref.resourceVersion !== undefined) patch.push({ op: "remove", path: "/spec/claimRef/resourceVersion" });
  await ctx.api.patch(builtinResources.PersistentVolume, undefined, volumeName, patch, patchTypes.json);
  await ctx.event(
    "Normal",
    "DataVolumeRebound",
    `PersistentVolume ${volumeName} still held the binding of a deleted claim; released it to claim ${ref.name}`,
  );
}
