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
import { reconcileDittoServerWith, reportDittoServer, type DittoServerRun } from "./reconcile-dittoserver.js";
import { RunSchedule } from "../../framework/run-schedule.js";
import { ServerSessions } from "./server-api/server-sessions.js";
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

export interface DittoServerControllerOptions {
  readonly concurrency: number;
  /** In-cluster Service URL prefixes reached another way (an operator outside the cluster). */
  readonly urlAliases?: ReadonlyMap<string, string>;
  /** How often a configured server is compared with its spec again (drift repair); 120 s by default. */
  readonly driftCheckSeconds?: number;
  /** Timeout of one DittoFS REST call; 10 s by default. */
  readonly apiTimeoutMs?: number;
}

export function dittoServerController(
  options: DittoServerControllerOptions,
): ControllerOptions<DittoServer, DittoServerRun> {
  const sessions = new ServerSessions({ timeoutMs: options.apiTimeoutMs ?? 10_000 });
  // An unreachable API is retried from 5 s doubling to 5 min; a configured server is checked for drift.
  const schedule = new RunSchedule({
    baseMs: 5_000,
    capMs: 300_000,
    driftCheckMs: (options.driftCheckSeconds ?? 120) * 1000,
  });
  const configure = {
    sessions,
    schedule,
    ...(options.urlAliases === undefined ? {} : { urlAliases: options.urlAliases }),
  };
  return {
    name: "dittoserver",
    resource: DittoServerResource,
    finalizer: DITTOSERVER_FINALIZER,
    reconcile: reconcileDittoServerWith(configure),
    report: reportDittoServer,
    finalize: async (ctx) => {
      const outcome = await finalizeDittoServer(ctx);
      if (outcome.kind === "done") {
        const key = objectKey(ctx.object);
        sessions.forget(key);
        schedule.forget(key);
      }
      return outcome;
    },
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
    concurrency: options.concurrency,
  };
}
