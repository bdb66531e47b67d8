// Renders the stack's cluster-scoped NFS PersistentVolume (an NFS export, or a DittoServer's file
// Service), bound strictly to the stack's claim. It carries owner labels instead of an owner reference.
import type { V1ObjectReference, V1PersistentVolume } from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import { dataClaimName, dataVolumeName, persistentVolumeOwnerLabels, sharedLabels } from "../names.js";
import { stackIdentity } from "../stack-identity.js";

/** Where the volume's data lives: an NFS server (host name or IP) and exported path. */
export interface NfsExport {
  readonly server: string;
  readonly path: string;
  readonly mountOptions: readonly string[];
  /** Nominal: NFS does not enforce it; the claim requests the same, so binding always fits. */
  readonly capacity: string;
}

/** What the reconcile observed of the binding, so a bound volume is re-applied unchanged. */
export interface ObservedDataBinding {
  readonly volume?: V1PersistentVolume;
  /** uid of the stack's data claim, when it exists. */
  readonly claimUid?: string;
}

/**
 * A claimRef that points at the stack's claim with that claim's current uid is re-applied exactly as
 * observed (uid and resourceVersion included), so the apply never fights the PV controller; any other
 * (none yet, or a stale uid left by a deleted claim on a Retain volume) is rendered fresh, without a
 * uid. claimRef is not an atomic struct, though: the uid the PV controller wrote stays owned by it and
 * an apply cannot remove it, so the reconcile (data-volume.ts) clears a stale uid with a guarded JSON
 * patch, which makes a Released volume bind the stack's new claim again.
 */
function renderClaimRef(
  namespace: string,
  claimName: string,
  observed: ObservedDataBinding,
): V1ObjectReference {
  const current = observed.volume?.spec?.claimRef;
  if (
    current?.namespace === namespace &&
    current.name === claimName &&
    current.uid !== undefined &&
    current.uid === observed.claimUid
  ) {
    return { ...current };
  }
  return { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name: claimName };
}

/**
 * persistentVolumeReclaimPolicy is always Retain, whatever spec.storage.data.reclaimPolicy says:
 * Kubernetes has no deleter for NFS, so a Delete volume goes Failed when its claim goes. The spec's
 * policy instead tells the MediaStack's finalizer whether to delete this PersistentVolume object;
 * files on the server are never deleted.
 */
export function renderNfsPersistentVolume(
  stack: MediaStack,
  nfsExport: NfsExport,
  observed: ObservedDataBinding = {},
): V1PersistentVolume {
  const { name: stackName, namespace } = stackIdentity(stack);
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: {
      name: dataVolumeName(namespace, stackName),
      labels: { ...sharedLabels(stackName, "data"), ...persistentVolumeOwnerLabels(namespace, stackName) },
    },
    spec: {
      capacity: { storage: nfsExport.capacity },
      accessModes: ["ReadWriteMany"],
      persistentVolumeReclaimPolicy: "Retain",
      // "" on both sides: no provisioner, no default class, only this claim can bind it.
      storageClassName: "",
      volumeMode: "Filesystem",
      mountOptions: [...nfsExport.mountOptions],
      nfs: { server: nfsExport.server, path: nfsExport.path },
      claimRef: renderClaimRef(namespace, dataClaimName(stackName), observed),
    },
  };
}
