// StorageReady: is the /data claim bound (to the stack's own volume when the stack renders one)?
// With dittoServerRef, the DittoServer's readiness comes first.
import type { V1PersistentVolume, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { MediaStack } from "../../generated/mediastack.js";
import { conditionFor, type ComputedCondition } from "./condition-reasons.js";
import { dataVolumeName } from "./names.js";
import { resolveDataClaimName, resolveDataSource } from "./stack-settings.js";
import { stackIdentity } from "./stack-identity.js";

/** What the reconcile saw of the DittoServer named by storage.data.dittoServerRef. */
export interface ObservedDittoServer {
  readonly found: boolean;
  /** Its Ready condition is True and its file Service has a ClusterIP. */
  readonly ready: boolean;
  /** Why not, e.g. its Ready condition's message. */
  readonly message?: string;
}

export interface ObservedStorage {
  /** The claim mounted at /data (the stack's or the existing one), if it exists. */
  readonly dataClaim?: V1PersistentVolumeClaim;
  /** The stack's PersistentVolume, if it exists (nfs and dittoServerRef). */
  readonly dataVolume?: V1PersistentVolume;
  readonly dittoServer?: ObservedDittoServer;
}

export function computeStorageCondition(
  stack: MediaStack,
  observed: ObservedStorage,
): ComputedCondition<"StorageReady"> {
  const { name, namespace } = stackIdentity(stack);
  const source = resolveDataSource(stack.spec);
  const claimName = resolveDataClaimName(name, stack.spec);
  const volumeName = dataVolumeName(namespace, name);

  if (source.kind === "dittoServer") {
    const ditto = observed.dittoServer;
    if (!ditto?.found) {
      return conditionFor(
        "StorageReady",
        "DittoServerNotFound",
        `DittoServer ${source.name} not found in ${namespace}`,
      );
    }
    if (!ditto.ready) {
      const why = ditto.message ? `: ${ditto.message}` : "";
      return conditionFor(
        "StorageReady",
        "WaitingForDittoServer",
        `waiting for DittoServer ${source.name}${why}`,
      );
    }
  }

  const claim = observed.dataClaim?.metadata?.name === claimName ? observed.dataClaim : undefined;
  const volume = observed.dataVolume?.metadata?.name === volumeName ? observed.dataVolume : undefined;
  if (source.kind !== "existingClaim" && volume?.status?.phase === "Failed") {
    const why = volume.status.message ? `: ${volume.status.message}` : "";
    return conditionFor("StorageReady", "VolumeFailed", `PersistentVolume ${volumeName} failed${why}`);
  }
  if (!claim) {
    const hint = source.kind === "existingClaim" ? " (storage.data.existingClaim)" : " yet";
    return conditionFor(
      "StorageReady",
      "ClaimNotFound",
      `PersistentVolumeClaim ${claimName} not found${hint}`,
    );
  }
  const phase = claim.status?.phase;
  if (phase === "Lost") {
    return conditionFor("StorageReady", "ClaimLost", `PersistentVolumeClaim ${claimName} lost its volume`);
  }
  if (phase === "Bound") {
    const boundTo = claim.spec?.volumeName ?? "";
    return conditionFor(
      "StorageReady",
      "ClaimBound",
      `PersistentVolumeClaim ${claimName} is bound to ${boundTo}`,
    );
  }
  if (source.kind !== "existingClaim" && volume?.status?.phase === "Released") {
    return conditionFor(
      "StorageReady",
      "VolumeReleased",
      `PersistentVolume ${volumeName} is Released from a previous claim; rebinding it to ${claimName}`,
    );
  }
  return conditionFor(
    "StorageReady",
    "ClaimPending",
    `PersistentVolumeClaim ${claimName} is ${phase ?? "Pending"}`,
  );
}
