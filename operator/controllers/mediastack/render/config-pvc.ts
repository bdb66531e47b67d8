// Renders one app's ReadWriteOnce config claim (settings, SQLite database, logs), sized by the app,
// the stack or the catalog (2Gi; Jellyfin 5Gi), on the stack's config storage class.
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import { appLabels, configClaimName } from "../names.js";
import type { ResolvedApp } from "../stack-settings.js";
import { stackIdentity } from "../stack-identity.js";

export function renderConfigClaim(stack: MediaStack, app: ResolvedApp): V1PersistentVolumeClaim {
  const { name: stackName, namespace } = stackIdentity(stack);
  const storageClassName = stack.spec.storage.config?.storageClassName;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: configClaimName(stackName, app.name),
      namespace,
      labels: appLabels(stackName, app.name),
    },
    spec: {
      accessModes: ["ReadWriteOnce"],
      // Unset means the cluster's default class, assigned by the API server and then left alone.
      ...(storageClassName !== undefined ? { storageClassName } : {}),
      resources: { requests: { storage: app.configSize } },
    },
  };
}
