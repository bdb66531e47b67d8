// Registers the DittoServer controller: its resource and finalizer, the children it owns, the
// Secrets and Percona clusters it reads (mapped back to their server) and its per-spec Ready policy.
import type { KubernetesObject, V1Secret } from "@kubernetes/client-node";
import type { CacheReader } from "../../framework/context.js";
import type { ControllerOptions } from "../../framework/controller.js";
import { MediaStackResource } from "../../generated/mediastack.js";
import { serverUsedByStack } from "./storage-users.js";
import { builtinResources, objectKey } from "../../framework/resource.js";
import { DittoServerResource, type DittoServer } from "../../generated/dittoserver.js";
import { finalizeDittoServer } from "./finalize-dittoserver.js";
import { PerconaPGClusterResource, ServiceMonitorResource } from "./child-resources.js";
import { secretsReadByServer } from "./render/index.js";
import { reconcileDittoServer, reportDittoServer, type DittoServerRun } from "./reconcile-dittoserver.js";
import { dittoServerReasons } from "./condition-reasons.js";
import { readyPolicyFor } from "./status.js";

export const DITTOSERVER_FINALIZER = "dittofs.dittofs.com/finalizer";

/** Keys of the DittoServers in the Secret's namespace whose pod reads it (env by secretKeyRef). */
export function serversReadingSecret(secret: V1Secret, cache: CacheReader): string[] {
  const name = secret.metadata?.name;
  return cache
    .list<DittoServer>(DittoServerResource, secret.metadata?.namespace ?? "")
    .filter((server) => secretsReadByServer(server).some((read) => read.name === name))
    .map(objectKey);
}

/** The DittoServer a Percona cluster was rendered for (its app.kubernetes.io/instance label). */
export function serverOfPerconaCluster(cluster: KubernetesObject, cache: CacheReader): string[] {
  const namespace = cluster.metadata?.namespace ?? "";
  const instance = cluster.metadata?.labels?.["app.kubernetes.io/instance"];
  if (instance === undefined || !cache.get(DittoServerResource, namespace, instance)) return [];
  return [`${namespace}/${instance}`];
}

export function dittoServerController(concurrency: number): ControllerOptions<DittoServer, DittoServerRun> {
  return {
    name: "dittoserver",
    resource: DittoServerResource,
    finalizer: DITTOSERVER_FINALIZER,
    reconcile: reconcileDittoServer,
    report: reportDittoServer,
    finalize: finalizeDittoServer,
    // The Percona cluster is no child kind (it holds the database, never pruned): it is watched below.
    // The ServiceMonitor's CRD is optional: unserved, it is neither written nor pruned (nor fails anything).
    children: [
      builtinResources.ConfigMap,
      builtinResources.Service,
      builtinResources.StatefulSet,
      ServiceMonitorResource,
    ],
    watches: [
      { resource: builtinResources.Secret, map: serversReadingSecret },
      // Owned only with deleteWithServer, so it is mapped by label rather than by owner reference.
      { resource: PerconaPGClusterResource, map: serverOfPerconaCluster },
      { resource: MediaStackResource, map: serverUsedByStack },
    ],
    // DatabaseReady counts only when the server uses PostgreSQL.
    reasons: dittoServerReasons,
    ready: readyPolicyFor,
    // Children and referenced objects wake the server through the watches; this only catches what slipped.
    resyncSeconds: 600,
    concurrency,
  };
}
