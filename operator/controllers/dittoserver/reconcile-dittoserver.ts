// The DittoServer reconcile, one ordered list of steps: read the Secrets the pod uses, ensure the
// control-plane Secret, render, apply, prune, observe; the status is computed and set on every path.
import type { V1Secret, V1StatefulSet } from "@kubernetes/client-node";
import type { Condition } from "../../framework/conditions.js";
import type { ReconcileContext } from "../../framework/context.js";
import { KubeApiError } from "../../framework/kube-api.js";
import { done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import { builtinResources } from "../../framework/resource.js";
import type { DittoServer } from "../../generated/dittoserver.js";
import { applyChildren, configHashOf, pruneChildren, type AppliedChildren } from "./apply-children.js";
import { PerconaPGClusterResource } from "./child-resources.js";
import { ensureControlPlaneSecret } from "./control-plane-credentials.js";
import { dittoServerNames, serverNamespace } from "./names.js";
import { renderDittoServer, secretsReadByServer, type DittoServerRendering } from "./render/index.js";
import type { PerconaPGCluster } from "./render/percona-cluster.js";
import { resolveServerSettings } from "./settings.js";
import {
  computeDittoServerStatus,
  type ComputedDittoServerStatus,
  type DittoServerObservations,
  type ObservedStatefulSet,
} from "./status.js";
import { transitionEvents } from "./transition-events.js";

/** How soon to look again while Percona's CRD is absent (its informer re-checks every 30 s). */
const PERCONA_NOT_INSTALLED_RECHECK_MS = 30_000;
/** A safety net while a Secret is missing; its creation wakes the server through the Secret watch. */
const MISSING_SECRET_RECHECK_MS = 60_000;

type SecretVersions = Record<string, string | undefined>;

function readSecretVersions(ctx: ReconcileContext<DittoServer>): SecretVersions {
  const namespace = serverNamespace(ctx.object);
  return Object.fromEntries(
    secretsReadByServer(ctx.object).map(({ name }) => [
      name,
      ctx.cache.get<V1Secret>(builtinResources.Secret, namespace, name)?.metadata?.resourceVersion,
    ]),
  );
}

function observedStatefulSet(statefulSet: V1StatefulSet | undefined): ObservedStatefulSet | undefined {
  if (statefulSet === undefined) return undefined;
  const status = statefulSet.status;
  return {
    ...(statefulSet.metadata?.generation === undefined
      ? {}
      : { generation: statefulSet.metadata.generation }),
    ...(status?.observedGeneration === undefined ? {} : { observedGeneration: status.observedGeneration }),
    replicas: status?.replicas ?? 0,
    readyReplicas: status?.readyReplicas ?? 0,
    updatedReplicas: status?.updatedReplicas ?? 0,
    ...(status?.currentRevision === undefined ? {} : { currentRevision: status.currentRevision }),
    ...(status?.updateRevision === undefined ? {} : { updateRevision: status.updateRevision }),
  };
}

/** The Percona cluster as the cache sees it, when the server uses one. */
function cachedPercona(ctx: ReconcileContext<DittoServer>): DittoServerObservations["percona"] {
  const percona = resolveServerSettings(ctx.object).percona;
  if (percona === undefined) return undefined;
  if (!ctx.cache.isServed(PerconaPGClusterResource)) return { crdInstalled: false };
  const cluster = ctx.cache.get<PerconaPGCluster>(
    PerconaPGClusterResource,
    serverNamespace(ctx.object),
    percona.clusterName,
  );
  const state = cluster?.status?.state;
  return { crdInstalled: true, ...(state === undefined ? {} : { state }) };
}

function cachedStatefulSet(ctx: ReconcileContext<DittoServer>): V1StatefulSet | undefined {
  return ctx.cache.get<V1StatefulSet>(
    builtinResources.StatefulSet,
    serverNamespace(ctx.object),
    dittoServerNames.statefulSet(ctx.object),
  );
}

/** What the steps wrote and read; the status is computed from it. */
interface Converged {
  rendering: DittoServerRendering;
  applied: AppliedChildren;
  pruned: string[];
  secretVersions: SecretVersions;
}

/** What a finished run saw: the written objects, or the cache for what was not written. */
function observationsAfterApply(
  ctx: ReconcileContext<DittoServer>,
  { rendering, applied, secretVersions }: Converged,
): DittoServerObservations {
  const statefulSet = observedStatefulSet(applied.statefulSet);
  const percona = resolveServerSettings(ctx.object).percona
    ? (applied.percona ?? cachedPercona(ctx))
    : undefined;
  return {
    // A held StatefulSet still runs with its old hash; report what runs.
    configHash: applied.statefulSetHeld
      ? (configHashOf(applied.statefulSet) ?? rendering.configHash)
      : rendering.configHash,
    configApplied: applied.configApplied,
    ...(statefulSet === undefined ? {} : { statefulSet }),
    secretVersions,
    ...(percona === undefined ? {} : { percona }),
  };
}

/** What a failed run can still tell: everything from the cache, plus the error. */
function observationsAfterError(ctx: ReconcileContext<DittoServer>, error: unknown): DittoServerObservations {
  const existing = cachedStatefulSet(ctx);
  const statefulSet = observedStatefulSet(existing);
  const percona = cachedPercona(ctx);
  return {
    configHash: configHashOf(existing) ?? "",
    configApplied: false,
    ...(statefulSet === undefined ? {} : { statefulSet }),
    secretVersions: readSecretVersions(ctx),
    ...(percona === undefined ? {} : { percona }),
    error: { message: error instanceof Error ? error.message : String(error) },
  };
}

/** Copies the computed status into the context; the framework writes it once, with Ready derived. */
function setStatus(
  ctx: ReconcileContext<DittoServer>,
  observed: DittoServerObservations,
): ComputedDittoServerStatus {
  const status = computeDittoServerStatus(ctx.object, observed);
  ctx.status.phase = status.phase;
  ctx.status.replicas = status.replicas;
  ctx.status.readyReplicas = status.readyReplicas;
  ctx.status.configHash = status.configHash === "" ? undefined : status.configHash;
  ctx.status.nfsEndpoint = status.nfsEndpoint;
  ctx.status.perconaClusterName = status.perconaClusterName;
  for (const condition of status.conditions) ctx.setCondition(condition);
  for (const type of status.removedConditionTypes) ctx.removeCondition(type);
  return status;
}

/** The apiserver refuses new objects in a namespace that is being deleted (cause NamespaceTerminating). */
function isNamespaceTerminating(error: unknown): boolean {
  return (
    error instanceof KubeApiError &&
    error.status === 403 &&
    error.message.includes("because it is being terminated")
  );
}

function nextRun(status: ComputedDittoServerStatus): Outcome {
  const reasons = new Set(status.conditions.map((condition) => condition.reason));
  if (reasons.has("PerconaNotInstalled")) return requeueAfter(PERCONA_NOT_INSTALLED_RECHECK_MS);
  if (reasons.has("SecretNotFound")) return requeueAfter(MISSING_SECRET_RECHECK_MS);
  return done;
}

/** The ordered steps: control-plane Secret, render, apply, prune. Throws on the first refusal. */
async function converge(ctx: ReconcileContext<DittoServer>): Promise<Converged> {
  const server = ctx.object;
  const controlPlane = await ensureControlPlaneSecret(ctx);
  const controlPlaneName = dittoServerNames.controlPlaneSecret(server);
  if (controlPlane.created) {
    await ctx.event(
      "Normal",
      "CredentialsGenerated",
      `generated Secret ${controlPlaneName} (API signing key and admin password); ` +
        "it is kept when the DittoServer is deleted",
    );
  }
  const secretVersions = { ...readSecretVersions(ctx), [controlPlaneName]: controlPlane.resourceVersion };
  const rendering = renderDittoServer(server, {
    secretVersions,
    controlPlaneCredentials: controlPlane.credentials,
  });
  const applied = await applyChildren(ctx, rendering, {
    holdStatefulSet: Object.values(secretVersions).some((version) => version === undefined),
    alreadyCreated: new Set(controlPlane.created ? [controlPlaneName] : []),
  });
  const pruned = await pruneChildren(ctx, rendering.prune);
  return { rendering, applied, pruned, secretVersions };
}

/** Events for what changed in this run: a config roll, pruned children, condition transitions. */
async function announce(
  ctx: ReconcileContext<DittoServer>,
  { rendering, applied, pruned }: Converged,
  previousConditions: readonly Condition[],
  status: ComputedDittoServerStatus,
): Promise<void> {
  const previousHash = applied.previousConfigHash;
  if (!applied.statefulSetHeld && previousHash !== undefined && previousHash !== rendering.configHash) {
    await ctx.event(
      "Normal",
      "ConfigChanged",
      `config.yaml or a Secret the pod reads changed (config hash ${previousHash.slice(0, 12)} → ` +
        `${rendering.configHash.slice(0, 12)}): the pod restarts`,
    );
  }
  for (const child of pruned) {
    await ctx.event("Normal", "Pruned", `deleted ${child}: the spec no longer wants it`);
  }
  for (const event of transitionEvents(previousConditions, status.conditions)) {
    await ctx.event(event.type, event.reason, event.message);
  }
}

export async function reconcileDittoServer(ctx: ReconcileContext<DittoServer>): Promise<Outcome> {
  const previousConditions = [...ctx.conditions];
  let converged: Converged;
  try {
    converged = await converge(ctx);
  } catch (error) {
    setStatus(ctx, observationsAfterError(ctx, error));
    // The namespace's deletion takes this server with it; retrying would only fail again.
    if (isNamespaceTerminating(error)) return done;
    throw error;
  }
  const status = setStatus(ctx, observationsAfterApply(ctx, converged));
  await announce(ctx, converged, previousConditions, status);
  return nextRun(status);
}
