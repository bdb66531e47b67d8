// Deleting a DittoServer: the Percona cluster goes only with percona.deleteWithServer; the PVCs and
// <name>-controlplane are never deleted (data); owned children go by garbage collection.
import { FINALIZING } from "../../framework/conditions.js";
import type { ReconcileContext } from "../../framework/context.js";
import { done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import type { DittoServer } from "../../generated/dittoserver.js";
import { PerconaPGClusterResource } from "./child-resources.js";
import { dittoServerNames, serverNamespace } from "./names.js";
import { resolveServerSettings } from "./settings.js";
import { mediaStacksUsing } from "./storage-users.js";
import type { DittoServerPhase } from "./status.js";

/** A fallback look while held; the MediaStack watch normally wakes the server first. */
const heldRetryMs = 30_000;

export async function finalizeDittoServer(ctx: ReconcileContext<DittoServer>): Promise<Outcome> {
  const server = ctx.object;
  const deleting: DittoServerPhase = "Deleting";
  ctx.status.phase = deleting;
  const users = mediaStacksUsing(server, ctx.cache);
  if (users.length > 0) {
    // Held, not refused: the delete is recorded and completes by itself once the stacks let go.
    const message = `deletion waits: MediaStack ${users.join(", ")} still uses this server as its /data storage`;
    // The framework posts the table's Warning once, when the hold begins.
    ctx.setCondition({ type: FINALIZING, status: true, reason: "InUseByMediaStack", message });
    return requeueAfter(heldRetryMs);
  }
  const namespace = serverNamespace(server);
  const { percona, storage } = resolveServerSettings(server);
  if (percona !== undefined && ctx.cache.isServed(PerconaPGClusterResource)) {
    if (percona.deleteWithServer) {
      await ctx.children.delete(PerconaPGClusterResource, namespace, percona.clusterName);
      await ctx.event(
        "Normal",
        "DatabaseDeleted",
        `deleted PerconaPGCluster ${percona.clusterName} (percona.deleteWithServer)`,
      );
    } else {
      await ctx.event(
        "Normal",
        "DatabaseKept",
        `PerconaPGCluster ${percona.clusterName} is kept (percona.deleteWithServer is false); ` +
          "delete it by hand once its data is no longer needed",
      );
    }
  }
  const claims = [
    "metadata" as const,
    ...(storage.cacheSize === undefined ? [] : ["cache" as const]),
    ...(storage.contentSize === undefined ? [] : ["content" as const]),
  ].map((volume) => dittoServerNames.persistentVolumeClaim(server, volume));
  await ctx.event(
    "Normal",
    "VolumesKept",
    `PersistentVolumeClaims ${claims.join(", ")} and Secret ${dittoServerNames.controlPlaneSecret(server)} ` +
      "are kept; delete them by hand to free the data",
  );
  return done;
}
