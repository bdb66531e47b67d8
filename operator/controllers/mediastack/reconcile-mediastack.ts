// The MediaStack reconcile, in Flux's shape: validate, then ordered steps (credentials, volume,
// children through the framework's converge), then one status computed from the cache; Ready is the framework's.
import type {
  V1Deployment,
  V1Ingress,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
} from "@kubernetes/client-node";
import type { ReconcileContext } from "../../framework/context.js";
import { PermanentError, done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import { builtinResources } from "../../framework/resource.js";
import type { MediaStack } from "../../generated/mediastack.js";
import {
  ensureDataVolume,
  isStackVolume,
  observeDataBinding,
  type ObservedDataObjects,
} from "./data-volume.js";
import { observeDittoServer, type DittoServerObservation } from "./dittoserver-endpoint.js";
import type { HTTPRoute } from "./gateway-api.js";
import { serviceMonitorConditionType } from "./condition-reasons.js";
import { computeServiceMonitorCondition } from "./monitoring-condition.js";
import { resolveMonitoring } from "./monitoring-settings.js";
import { apiKeysSecretName, configClaimName, dataVolumeName } from "./names.js";
import { ensureQbittorrentCredentials } from "./qbittorrent-credentials.js";
import { renderMediaStack, type StackApiKeys } from "./render/index.js";
import { resolveDataClaimName, resolveDataSource, resolveEnabledApps } from "./stack-settings.js";
import { stackIdentity } from "./stack-identity.js";
import { computeMediaStackStatus } from "./status.js";
import { describeValidationProblems, invalidSpecReason, validateStack } from "./validate.js";
import { ensureApiKeys } from "./wiring/api-keys.js";
import { plannedLinks } from "./wiring/links.js";
import { reportWiringOff, runWiringStep, type WiringStepOptions } from "./wiring/wiring-step.js";

/**
 * While an old volume of the stack is being deleted: its DELETED event wakes the stack through the
 * PersistentVolume watch; this is only the fallback should that event be missed.
 */
const volumeReplaceRetryMs = 30_000;

/** While spec.monitoring waits for the ServiceMonitor CRD (the DittoServer's interval): installing it later creates it. */
const serviceMonitorCrdRecheckMs = 30_000;

function refuseInvalidSpec(stack: MediaStack): void {
  const problems = validateStack(stack);
  if (problems.length > 0) throw new PermanentError(invalidSpecReason, describeValidationProblems(problems));
}

/** With dittoServerRef: whether the DittoServer is Ready and where its NFS Service is. */
function observeDittoServerOf(ctx: ReconcileContext<MediaStack>): DittoServerObservation | undefined {
  const source = resolveDataSource(ctx.object.spec);
  if (source.kind !== "dittoServer") return undefined;
  const { name, namespace } = stackIdentity(ctx.object);
  const volume = ctx.cache.get<V1PersistentVolume>(
    builtinResources.PersistentVolume,
    undefined,
    dataVolumeName(namespace, name),
  );
  return observeDittoServer(ctx.cache, namespace, source, volume?.spec?.nfs);
}

/** A Normal Event when the stack stops waiting for its DittoServer and mounts it (once, on that transition). */
async function announceDittoServer(
  ctx: ReconcileContext<MediaStack>,
  ditto: DittoServerObservation | undefined,
): Promise<void> {
  const endpoint = ditto?.endpoint;
  const source = resolveDataSource(ctx.object.spec);
  if (!endpoint || source.kind !== "dittoServer") return;
  const storage = ctx.conditions.find((condition) => condition.type === "StorageReady");
  if (storage?.reason !== "WaitingForDittoServer" && storage?.reason !== "DittoServerNotFound") return;
  await ctx.event(
    "Normal",
    "DittoServerReady",
    `DittoServer ${source.name} is Ready; mounting its NFS export ${endpoint.clusterIP}:${endpoint.port}${endpoint.path} as /data`,
  );
}

/** Deletes the stack's own volume once the spec no longer uses it (existingClaim with reclaimPolicy Delete). */
async function deleteUnusedVolume(
  ctx: ReconcileContext<MediaStack>,
  volumeName: string | undefined,
): Promise<void> {
  if (volumeName === undefined) return;
  const { name, namespace } = stackIdentity(ctx.object);
  const volume = ctx.cache.get<V1PersistentVolume>(builtinResources.PersistentVolume, undefined, volumeName);
  if (!volume || volume.metadata?.deletionTimestamp || !isStackVolume(volume, namespace, name)) return;
  await ctx.children.delete(builtinResources.PersistentVolume, undefined, volumeName);
  await ctx.event(
    "Normal",
    "DataVolumeDeleted",
    `deleted PersistentVolume ${volumeName}: the stack uses an existing claim now (reclaimPolicy Delete); files on the NFS server are kept`,
  );
}

/** Computes status and conditions from the cache; the framework posts an Event for each transition. */
function reportStatus(
  ctx: ReconcileContext<MediaStack>,
  binding: ObservedDataObjects,
  ditto: DittoServerObservation | undefined,
  gatewayApiServed: boolean,
): void {
  const stack = ctx.object;
  const { name, namespace } = stackIdentity(stack);
  const claimName = resolveDataClaimName(name, stack.spec);
  const configClaimNames = new Set(
    resolveEnabledApps(stack.spec).map((app) => configClaimName(name, app.name)),
  );
  const claims = ctx.cache.list<V1PersistentVolumeClaim>(builtinResources.PersistentVolumeClaim, namespace);
  const status = computeMediaStackStatus(stack, {
    deployments: ctx.cache.list<V1Deployment>(builtinResources.Deployment, namespace),
    httpRoutes: ctx.cache.list<HTTPRoute>(builtinResources.HTTPRoute, namespace),
    ingresses: ctx.cache.list<V1Ingress>(builtinResources.Ingress, namespace),
    dataClaim: claims.find((claim) => claim.metadata?.name === claimName),
    dataVolume: resolveDataSource(stack.spec).kind === "existingClaim" ? undefined : binding.volume,
    configClaims: claims.filter((claim) => configClaimNames.has(claim.metadata?.name ?? "")),
    gatewayApiServed,
    ...(ditto ? { dittoServer: ditto.observed } : {}),
  });
  ctx.status.apps = status.apps;
  ctx.status.appsSummary = status.appsSummary;
  ctx.status.qbittorrent = status.qbittorrent;
  ctx.status.storage = status.storage;
  for (const condition of status.conditions) ctx.setCondition(condition);
}

/**
 * ServiceMonitorReady from what was rendered and whether its CRD is served; removed with monitoring off.
 * Returns how soon to look again for the CRD, while it is missing.
 */
function reportMonitoring(
  ctx: ReconcileContext<MediaStack>,
  apiKeys: StackApiKeys | undefined,
  serviceMonitorServed: boolean,
): number | undefined {
  const monitoring = resolveMonitoring(ctx.object.spec, apiKeys);
  const condition = computeServiceMonitorCondition(
    stackIdentity(ctx.object).name,
    monitoring,
    serviceMonitorServed,
  );
  if (condition === undefined) {
    ctx.removeCondition(serviceMonitorConditionType);
    return undefined;
  }
  ctx.setCondition(condition);
  return condition.reason === "PrometheusOperatorNotInstalled" ? serviceMonitorCrdRecheckMs : undefined;
}

/** The apps that use the api-keys Secret: their keys are preset, Jellyfin's admin comes from it. */
const apiKeyApps = new Set(["sonarr", "radarr", "prowlarr", "jellyfin"]);

/** The earlier of two optional delays. */
function sooner(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

export async function reconcileMediaStack(
  ctx: ReconcileContext<MediaStack>,
  wiring: WiringStepOptions,
): Promise<Outcome> {
  const stack = ctx.object;
  refuseInvalidSpec(stack);
  const gatewayApiServed = ctx.cache.isServed(builtinResources.HTTPRoute);
  const serviceMonitorServed = ctx.cache.isServed(builtinResources.ServiceMonitor);
  const ditto = observeDittoServerOf(ctx);
  const binding = observeDataBinding(ctx);
  const enabledApps = resolveEnabledApps(stack.spec);
  const qbittorrentEnabled = enabledApps.some((app) => app.name === "qbittorrent");
  const qbittorrentCredentials = qbittorrentEnabled ? await ensureQbittorrentCredentials(ctx) : undefined;
  const apiKeys = enabledApps.some((app) => apiKeyApps.has(app.name)) ? await ensureApiKeys(ctx) : undefined;

  const rendered = renderMediaStack(stack, {
    ...(qbittorrentCredentials ? { qbittorrentCredentials } : {}),
    ...(apiKeys ? { apiKeys } : {}),
    ...(ditto?.endpoint ? { dittoServerNfs: ditto.endpoint } : {}),
    ...(binding.volume ? { observedDataVolume: binding.volume } : {}),
    ...(binding.claim?.metadata?.uid ? { observedDataClaimUid: binding.claim.metadata.uid } : {}),
  });
  await announceDittoServer(ctx, ditto);
  const volume = await ensureDataVolume(ctx, rendered.persistentVolume, binding);
  await ctx.children.converge({ apply: rendered.children, keep: rendered.keep });
  await deleteUnusedVolume(ctx, rendered.unusedVolumeName);
  reportStatus(ctx, binding, ditto, gatewayApiServed);
  const monitoringRetryMs = reportMonitoring(ctx, apiKeys, serviceMonitorServed);
  if (apiKeys) ctx.status.apiKeysSecret = apiKeysSecretName(stackIdentity(stack).name);
  else delete ctx.status.apiKeysSecret;
  let wiringRetryMs: number | undefined;
  if (apiKeys && plannedLinks(stack.spec).length > 0) {
    wiringRetryMs = await runWiringStep(ctx, apiKeys, qbittorrentCredentials, wiring);
  } else {
    reportWiringOff(ctx);
  }
  const next = sooner(
    sooner(volume === "replacing" ? volumeReplaceRetryMs : undefined, wiringRetryMs),
    monitoringRetryMs,
  );
  return next === undefined ? done : requeueAfter(next);
}
