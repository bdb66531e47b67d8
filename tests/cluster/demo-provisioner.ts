// The demo's stand-in for a storage provisioner (the local cluster has none): binds every
// Pending claim without a volumeName to a fresh hostPath PV pre-bound by claimRef. Demo and real-node e2e.
import { chmodSync, mkdirSync } from "node:fs";
import type { KubeConfig, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { KubeApi, isConflict } from "../../operator/framework/kube-api.js";
import { builtinResources } from "../../operator/framework/resource.js";

export interface DemoProvisionerOptions {
  /**
   * Create each volume's directory on this host, writable by every UID (a real node mounts it into
   * pods that run as PUID or 65532; kubelet's DirectoryOrCreate would make it root's 0755).
   */
  readonly createDirectories?: boolean;
}

export function startDemoProvisioner(
  kubeConfig: KubeConfig,
  namespace: string,
  dataDir: string,
  options: DemoProvisionerOptions = {},
): () => void {
  const api = new KubeApi(kubeConfig);
  const timer = setInterval(() => {
    void provisionPending(api, namespace, dataDir, options).catch(() => undefined);
  }, 2000);
  return () => clearInterval(timer);
}

async function provisionPending(
  api: KubeApi,
  namespace: string,
  dataDir: string,
  options: DemoProvisionerOptions,
): Promise<void> {
  const { items } = await api.list<V1PersistentVolumeClaim>(
    builtinResources.PersistentVolumeClaim,
    namespace,
  );
  for (const claim of items) {
    if (claim.status?.phase !== "Pending" || claim.spec?.volumeName) continue;
    const name = `demo-${namespace}-${claim.metadata?.name ?? ""}`.slice(0, 253);
    if (options.createDirectories === true) {
      mkdirSync(`${dataDir}/${name}`, { recursive: true });
      chmodSync(`${dataDir}/${name}`, 0o777);
    }
    try {
      await api.create(builtinResources.PersistentVolume, {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name, labels: { "mediaplane.io/demo-provisioner": "true" } },
        spec: {
          capacity: { storage: claim.spec?.resources?.requests?.storage ?? "1Gi" },
          accessModes: claim.spec?.accessModes ?? ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Delete",
          storageClassName: claim.spec?.storageClassName ?? "",
          hostPath: { path: `${dataDir}/${name}`, type: "DirectoryOrCreate" },
          claimRef: {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            namespace,
            name: claim.metadata?.name ?? "",
          },
        },
      });
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
}
