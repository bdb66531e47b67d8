// The DittoServer reconcile, one ordered list of steps: ensure the control-plane Secret, read the
// Secrets the pod uses, render, apply; `reportDittoServer` computes the status on every path, failures too.
import type { V1Secret, V1StatefulSet } from "@kubernetes/client-node";
import type { RunFailure } from "../../framework/conditions.js";
import type { ReconcileContext } from "../../framework/context.js";
import { done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import { builtinResources } from "../../framework/resource.js";
import type { DittoServer } from "../../generated/dittoserver.js";
import { applyChildren, configHashOf, type AppliedChildren } from "./apply-children.js";
import { PerconaPGClusterResource, ServiceMonitorResource } from "./child-resources.js";
import { ensureControlPlaneSecret } from "./control-plane-credentials.js";
import { dittoServerNames, serverNamespace } from "./names.js";
import { renderDittoServer, secretsReadByServer, type DittoServerRendering } from "./render/index.js";
import type { PerconaPGCluster } from "./render/percona-cluster.js";
import { resolveServerSettings } from "./settings.js";
import {
  runConfigureStep,
  type ConfigureStepOptions,
  type ConfigureStepResult,
} from "./server-api/configure-step.js";
import { serverConfiguredCondition, shareStatuses } from "./server-api/server-configured.js";
import {
  computeDittoServerStatus,
  type DittoServerObservations,
  type ObservedStatefulSet,
} from "./status.js";

/** How soon to look again while an optional CRD (Percona's, ServiceMonitor) is absent; informers re-check every 30 s. */
const CRD_NOT_INSTALLED_RECHECK_MS = 30_000;
/** A safety net while a Secret is missing; its creation wakes the server through the Secret watch. */
export const MISSING_SECRET_RECHECK_MS = 60_000;

type SecretVersions = Record<string, string | undefined>;

/** What the steps of one run wrote and read; the report computes the status from it. */
export interface DittoServerRun {
  rendering: DittoServerRendering;
  applied: AppliedChildren;
  secretVersions: SecretVersions;
  /** The configuration through the REST API, once the children are applied. */
  serverConfig?: ConfigureStepResult;
}

type DittoServerContext = ReconcileContext<DittoServer, DittoServerRun>;

function readSecretVersions(ctx: DittoServerContext): SecretVersions {
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
function cachedPercona(ctx: DittoServerContext): DittoServerObservations["percona"] {
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

/** With metrics.serviceMonitor.enabled: whether its CRD is served (converge applies it only then). */
function observedServiceMonitor(ctx: DittoServerContext): DittoServerObservations["serviceMonitor"] {
  if (resolveServerSettings(ctx.object).metrics.serviceMonitor === undefined) return undefined;
  return { crdInstalled: ctx.cache.isServed(ServiceMonitorResource) };
}

function cachedStatefulSet(ctx: DittoServerContext): V1StatefulSet | undefined {
  return ctx.cache.get<V1StatefulSet>(
    builtinResources.StatefulSet,
    serverNamespace(ctx.object),
    dittoServerNames.statefulSet(ctx.object),
  );
}

/** What a finished run saw: the written objects, or the cache for what was not written. */
function observationsAfterApply(
  ctx: DittoServerContext,
  { rendering, applied, secretVersions }: DittoServerRun,
): DittoServerObservations {
  const statefulSet = observedStatefulSet(applied.statefulSet);
  const percona = resolveServerSettings(ctx.object).percona
    ? (applied.percona ?? cachedPercona(ctx))
    : undefined;
  const serviceMonitor = observedServiceMonitor(ctx);
  return {
    // A held StatefulSet still runs with its old hash; report what runs.
    configHash: applied.statefulSetHeld
      ? (configHashOf(applied.statefulSet) ?? rendering.configHash)
      : rendering.configHash,
    configApplied: applied.configApplied,
    ...(statefulSet === undefined ? {} : { statefulSet }),
    secretVersions,
    ...(percona === undefined ? {} : { percona }),
    ...(serviceMonitor === undefined ? {} : { serviceMonitor }),
  };
}

/** What a failed run can still tell: everything from the cache, plus the failure. */
function observationsAfterFailure(ctx: DittoServerContext, failure: RunFailure): DittoServerObservations {
  const existing = cachedStatefulSet(ctx);
  const statefulSet = observedStatefulSet(existing);
  const percona = cachedPercona(ctx);
  const serviceMonitor = observedServiceMonitor(ctx);
  return {
    configHash: configHashOf(existing) ?? "",
    configApplied: false,
    ...(statefulSet === undefined ? {} : { statefulSet }),
    secretVersions: readSecretVersions(ctx),
    ...(percona === undefined ? {} : { percona }),
    ...(serviceMonitor === undefined ? {} : { serviceMonitor }),
    error: { message: failure.message },
  };
}

/** The status of every run, from what it applied or, after a failure, from the cache. */
export function reportDittoServer(ctx: DittoServerContext, failure: RunFailure | undefined): void {
  const { rendering, applied, secretVersions } = ctx.observed;
  const observed =
    failure === undefined && rendering && applied && secretVersions
      ? observationsAfterApply(ctx, { rendering, applied, secretVersions })
      : observationsAfterFailure(
          ctx,
          failure ?? { reason: "ReconcileError", message: "the run stopped early" },
        );
  const status = computeDittoServerStatus(ctx.object, observed);
  ctx.status.phase = status.phase;
  ctx.status.replicas = status.replicas;
  ctx.status.readyReplicas = status.readyReplicas;
  ctx.status.configHash = status.configHash === "" ? undefined : status.configHash;
  ctx.status.nfsEndpoint = status.nfsEndpoint;
  ctx.status.perconaClusterName = status.perconaClusterName;
  for (const condition of status.conditions) ctx.setCondition(condition);
  for (const type of status.removedConditionTypes) ctx.removeCondition(type);
  reportServerConfig(ctx, ctx.observed.serverConfig);
}

/** ServerConfigured and status.shares; a run that did not configure leaves the last ones standing. */
function reportServerConfig(ctx: DittoServerContext, result: ConfigureStepResult | undefined): void {
  if (!resolveServerSettings(ctx.object).manageServer) {
    ctx.removeCondition("ServerConfigured");
    delete ctx.status.shares;
    return;
  }
  if (result === undefined) return;
  const condition = serverConfiguredCondition(result.outcome);
  if (condition !== undefined) ctx.setCondition(condition);
  if (result.outcome.kind === "configured" || result.outcome.kind === "metadataStoreMismatch")
    ctx.status.shares = shareStatuses(ctx.object, result.outcome.shares);
}

/** The sooner of what the children and the configuration step need. */
function nextRun(ctx: DittoServerContext, run: DittoServerRun): Outcome {
  const children = childrenNextRun(ctx, run);
  const configMs = run.serverConfig?.requeueMs;
  if (configMs === undefined) return children;
  return children.kind === "requeue" && children.afterMs < configMs ? children : requeueAfter(configMs);
}

/** Missing pieces nothing wakes the server for quickly: look again after a while. */
function childrenNextRun(ctx: DittoServerContext, { applied, secretVersions }: DittoServerRun): Outcome {
  if (applied.percona?.crdInstalled === false) return requeueAfter(CRD_NOT_INSTALLED_RECHECK_MS);
  // Installing the Prometheus Operator later creates the ServiceMonitor on the next look.
  if (observedServiceMonitor(ctx)?.crdInstalled === false) return requeueAfter(CRD_NOT_INSTALLED_RECHECK_MS);
  if (Object.values(secretVersions).some((version) => version === undefined)) {
    return requeueAfter(MISSING_SECRET_RECHECK_MS);
  }
  return done;
}

/** A Normal Event when the pod rolls because config.yaml or a Secret it reads changed. */
async function announceConfigChange(ctx: DittoServerContext, run: DittoServerRun): Promise<void> {
  const previousHash = run.applied.previousConfigHash;
  const hash = run.rendering.configHash;
  if (run.applied.statefulSetHeld || previousHash === undefined || previousHash === hash) return;
  await ctx.event(
    "Normal",
    "ConfigChanged",
    `config.yaml or a Secret the pod reads changed (config hash ${previousHash.slice(0, 12)} → ` +
      `${hash.slice(0, 12)}): the pod restarts`,
  );
}

/** A Normal Event listing what the configuration step wrote (first configuration, drift repair). */
async function announceServerChanges(ctx: DittoServerContext, result: ConfigureStepResult): Promise<void> {
  const outcome = result.outcome;
  if (outcome.kind !== "configured" && outcome.kind !== "metadataStoreMismatch") return;
  if (outcome.changes.length === 0) return;
  await ctx.event(
    "Normal",
    "ServerConfigChanged",
    `DittoFS API: ${outcome.changes.join("; ")}`.slice(0, 1024),
  );
}

/** The reconcile, with the sessions and schedule of the configuration step it keeps across runs. */
export function reconcileDittoServerWith(
  options: ConfigureStepOptions,
): (ctx: DittoServerContext) => Promise<Outcome> {
  return (ctx) => reconcileDittoServer(ctx, options);
}

async function reconcileDittoServer(
  ctx: DittoServerContext,
  options: ConfigureStepOptions,
): Promise<Outcome> {
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
  const holdStatefulSet = Object.values(secretVersions).some((version) => version === undefined);
  const applied = await applyChildren(ctx, rendering, holdStatefulSet);
  const run: DittoServerRun = { rendering, applied, secretVersions };
  Object.assign(ctx.observed, run);
  await announceConfigChange(ctx, run);
  const statefulSet = holdStatefulSet
    ? cachedStatefulSet(ctx)
    : (applied.statefulSet ?? cachedStatefulSet(ctx));
  run.serverConfig = await runConfigureStep(
    ctx,
    controlPlane.credentials.adminPassword,
    statefulSet,
    options,
  );
  ctx.observed.serverConfig = run.serverConfig;
  await announceServerChanges(ctx, run.serverConfig);
  return nextRun(ctx, run);
}
