// The MediaStack reconcile, in Flux's shape: validate, then ordered steps (credentials, storage,
// children, stale objects), then one status computed from what the cache shows; Ready is the framework's.
import type {
  KubernetesObject,
  V1Deployment,
  V1Ingress,
  V1PersistentVolumeClaim,
} from "@kubernetes/client-node";
import type { ReconcileContext } from "../../framework/context.js";
import { PermanentError, done, requeueAfter, type Outcome } from "../../framework/outcome.js";
import { builtinResources } from "../../framework/resource.js";
import type { MediaStack } from "../../generated/mediastack.js";
import { stackResourceFor } from "./child-resources.js";
import {
  ensureDataVolume,
  isStackVolume,
  observeDataBinding,
  type ObservedDataObjects,
} from "./data-volume.js";
import { observeDittoServer, type DittoServerObservation } from "./dittoserver-endpoint.js";
import type { HTTPRoute } from "./gateway-api.js";
import { configClaimName } from "./names.js";
import { ensureQbittorrentCredentials } from "./qbittorrent-credentials.js";
import { renderMediaStack, type ChildReference } from "./render/index.js";
import { resolveDataClaimName, resolveDataSource, resolveEnabledApps } from "./stack-settings.js";
import { stackIdentity } from "./stack-identity.js";
import { computeMediaStackStatus } from "./status.js";
import { transitionEvents } from "./transition-events.js";
import { describeValidationProblems, invalidSpecReason, validateStack } from "./validate.js";

/**
 * While an old volume of the stack is being deleted: its DELETED event wakes the stack through the
 * PersistentVolume watch; this is only the fallback should that event be missed.
 */
const volumeReplaceRetryMs = 30_000;

function refuseInvalidSpec(stack: MediaStack): void {
  const problems = validateStack(stack);
  if (problems.length > 0) throw new PermanentError(invalidSpecReason, describeValidationProblems(problems));
}

/** With dittoServerRef: whether the DittoServer is Ready and where its NFS Service is. */
function observeDittoServerOf(ctx: ReconcileContext<MediaStack>): DittoServerObservation | undefined {
  const source = resolveDataSource(ctx.object.spec);
  if (source.kind !== "dittoServer") return undefined;
  return observeDittoServer(ctx.cache, stackIdentity(ctx.object).namespace, source.name);
}

/** A Normal Event when the stack stops waiting for its DittoServer and mounts it. */
async function announceDittoServer(
  ctx: ReconcileContext<MediaStack>,
  ditto: DittoServerObservation | undefined,
): Promise<void> {
  const endpoint = ditto?.endpoint;
  if (!endpoint) return;
  const storage = ctx.conditions.find((condition) => condition.type === "StorageReady");
  if (storage?.reason !== "WaitingForDittoServer" && storage?.reason !== "DittoServerNotFound") return;
  const source = resolveDataSource(ctx.object.spec);
  const path = source.kind === "dittoServer" ? source.path : "";
  await ctx.event(
    "Normal",
    "DittoServerReady",
    `DittoServer ${source.kind === "dittoServer" ? source.name : ""} is Ready; ` +
      `mounting its NFS export ${endpoint.clusterIP}:${endpoint.port}${path} as /data`,
  );
}

/** Applies the namespaced children in order; HTTPRoutes only when the Gateway API is served. */
async function ensureChildren(
  ctx: ReconcileContext<MediaStack>,
  children: readonly KubernetesObject[],
  gatewayApiServed: boolean,
): Promise<void> {
  for (const child of children) {
    if (child.kind === builtinResources.HTTPRoute.kind && !gatewayApiServed) continue;
    await ctx.children.apply(child);
  }
}

/** Deletes what the spec no longer wants, when it exists and this stack owns it. */
async function deleteStaleChildren(
  ctx: ReconcileContext<MediaStack>,
  stale: readonly ChildReference[],
): Promise<void> {
  const { name, namespace } = stackIdentity(ctx.object);
  const uid = ctx.object.metadata.uid;
  const removed: string[] = [];
  for (const ref of stale) {
    const resource = stackResourceFor(ref.apiVersion, ref.kind);
    const cached = ctx.cache.get(resource, ref.namespace, ref.name);
    if (!cached || cached.metadata?.deletionTimestamp) continue;
    const ours =
      resource === builtinResources.PersistentVolume
        ? isStackVolume(cached, namespace, name)
        : (cached.metadata?.ownerReferences ?? []).some(
            (owner) => owner.controller === true && owner.uid === uid,
          );
    if (!ours) continue;
    await ctx.children.delete(resource, ref.namespace, ref.name);
    removed.push(`${ref.kind} ${ref.name}`);
  }
  if (removed.length > 0) {
    await ctx.event("Normal", "Removed", `removed what the spec no longer asks for: ${removed.join(", ")}`);
  }
}

/** Computes status and conditions from the cache, and posts an Event for each transition. */
async function reportStatus(
  ctx: ReconcileContext<MediaStack>,
  binding: ObservedDataObjects,
  ditto: DittoServerObservation | undefined,
  gatewayApiServed: boolean,
): Promise<void> {
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
  const events = transitionEvents(ctx.conditions, status.conditions);
  ctx.status.apps = status.apps;
  ctx.status.appsSummary = status.appsSummary;
  ctx.status.qbittorrent = status.qbittorrent;
  ctx.status.storage = status.storage;
  for (const condition of status.conditions) ctx.setCondition(condition);
  for (const event of events) await ctx.event(event.type, event.reason, event.message);
}

export async function reconcileMediaStack(ctx: ReconcileContext<MediaStack>): Promise<Outcome> {
  const stack = ctx.object;
  refuseInvalidSpec(stack);
  const gatewayApiServed = ctx.cache.isServed(builtinResources.HTTPRoute);
  const ditto = observeDittoServerOf(ctx);
  const binding = observeDataBinding(ctx);
  const qbittorrentEnabled = resolveEnabledApps(stack.spec).some((app) => app.name === "qbittorrent");

  const rendered = renderMediaStack(stack, {
    ...(qbittorrentEnabled ? { qbittorrentCredentials: await ensureQbittorrentCredentials(ctx) } : {}),
    ...(ditto?.endpoint ? { dittoServerNfs: ditto.endpoint } : {}),
    ...(binding.volume ? { observedDataVolume: binding.volume } : {}),
    ...(binding.claim?.metadata?.uid ? { observedDataClaimUid: binding.claim.metadata.uid } : {}),
  });
  await announceDittoServer(ctx, ditto);
  const volume = await ensureDataVolume(ctx, rendered.persistentVolume, binding);
  await ensureChildren(ctx, rendered.children, gatewayApiServed);
  await deleteStaleChildren(ctx, rendered.stale);
  await reportStatus(ctx, binding, ditto, gatewayApiServed);
  return volume === "replacing" ? requeueAfter(volumeReplaceRetryMs) : done;
}
