// Turns the spec's /data source into the NFS export the stack's PersistentVolume points at: the
// user's NFS server, or a DittoServer's file Service by ClusterIP (cluster DNS rarely resolves on nodes).
import type { MediaStackSpec } from "../../../generated/mediastack.js";
import { resolveDataSource } from "../stack-settings.js";
import type { NfsExport } from "./nfs-persistent-volume.js";

/** The DittoServer's NFS endpoint, read by the reconcile from its `<name>-file` Service and its shares. */
export interface DittoServerNfsEndpoint {
  readonly clusterIP: string;
  readonly port: number;
  /** The export path of the share the stack mounts (dittoserver-endpoint.ts sharePathFor). */
  readonly path: string;
}

/** Nominal size of a DittoServer-backed volume; fixed, because the claim's request cannot change. */
export const dittoServerVolumeCapacity = "1Ti";

/**
 * DittoFS serves NFSv3 with MOUNT on the NFS port and no lock manager: without port/mountport the
 * client would ask a portmapper, and without nolock it would need rpc.statd on every node.
 */
export function dittoServerMountOptions(port: number): string[] {
  return ["hard", "nfsvers=3", "tcp", `port=${port}`, `mountport=${port}`, "nolock"];
}

/**
 * The export to render a PersistentVolume for; undefined with an existing claim (nothing to render)
 * or while a DittoServer has no endpoint yet (the reconcile reports StorageReady=False meanwhile).
 */
export function resolveNfsExport(
  spec: MediaStackSpec,
  ditto?: DittoServerNfsEndpoint,
): NfsExport | undefined {
  const source = resolveDataSource(spec);
  switch (source.kind) {
    case "nfs":
      return source;
    case "existingClaim":
      return undefined;
    case "dittoServer":
      if (!ditto) return undefined;
      return {
        server: ditto.clusterIP,
        path: ditto.path,
        mountOptions: dittoServerMountOptions(ditto.port),
        capacity: dittoServerVolumeCapacity,
      };
  }
}
