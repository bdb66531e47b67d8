// Renders the stack's ReadWriteMany /data claim, bound by name to the stack's own PersistentVolume.
// With storage.data.existingClaim nothing is rendered: the user's claim is mounted as it is.
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import { dataClaimName, dataVolumeName, sharedLabels } from "../names.js";
import { stackIdentity } from "../stack-identity.js";

/** `capacity` must equal the volume's: a claim's request cannot change once bound to a static volume. */
export function renderDataClaim(stack: MediaStack, capacity: string): V1PersistentVolumeClaim {
  const { name: stackName, namespace } = stackIdentity(stack);
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: dataClaimName(stackName), namespace, labels: sharedLabels(stackName, "data") },
    spec: {
      accessModes: ["ReadWriteMany"],
      storageClassName: "",
      volumeMode: "Filesystem",
      volumeName: dataVolumeName(namespace, stackName),
      resources: { requests: { storage: capacity } },
    },
  };
}
