// Writes what renderDittoServer wants, in its order: create-only children when missing, the rest by
// server-side apply (owned or not, per the rendering), then deletes the owned children it prunes.
import type { KubernetesObject, V1StatefulSet } from "@kubernetes/client-node";
import type { ReconcileContext } from "../../framework/context.js";
import { isConflict } from "../../framework/kube-api.js";
import { builtinResources, resourceFor, type ResourceType } from "../../framework/resource.js";
import type { DittoServer } from "../../generated/dittoserver.js";
import { PerconaPGClusterResource, dittoServerChildResources } from "./child-resources.js";
import { dittoServerNames, serverNamespace } from "./names.js";
import { CONFIG_HASH_ANNOTATION } from "./render/config-hash.js";
import type { DesiredChild, DittoServerRendering, PrunableChild } from "./render/index.js";
import type { PerconaPGCluster } from "./render/percona-cluster.js";

export interface ApplyPlan {
  /**
   * Leave an existing StatefulSet as it is: a Secret its pod reads is missing, and a running server
   * must not be rolled onto it. A missing StatefulSet is still created (its pod waits for the Secret).
   */
  holdStatefulSet: boolean;
  /** Names of create-only objects this reconcile already created. */
  alreadyCreated: ReadonlySet<string>;
}

export interface AppliedChildren {
  configApplied: boolean;
  /** The StatefulSet as the API server returned it, or as cached when held; undefined if absent. */
  statefulSet: V1StatefulSet | undefined;
  statefulSetHeld: boolean;
  /** The config-hash annotation the StatefulSet had before this reconcile (undefined when new). */
  previousConfigHash: string | undefined;
  /** With Percona: whether its CRD is served and the cluster's status.state. */
  percona?: { crdInstalled: boolean; state?: string };
}

/** The config hash a StatefulSet's pod template carries. */
export function configHashOf(statefulSet: V1StatefulSet | undefined): string | undefined {
  return statefulSet?.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
}

function cached<T extends KubernetesObject>(
  ctx: ReconcileContext<DittoServer>,
  resource: ResourceType,
  name: string,
): T | undefined {
  return ctx.cache.get<T>(resource, serverNamespace(ctx.object), name);
}

async function createIfMissing(
  ctx: ReconcileContext<DittoServer>,
  resource: ResourceType,
  child: DesiredChild,
  plan: ApplyPlan,
): Promise<void> {
  const name = child.object.metadata?.name ?? "";
  if (plan.alreadyCreated.has(name) || cached(ctx, resource, name)) return;
  try {
    await ctx.api.create(resource, child.object);
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

export async function applyChildren(
  ctx: ReconcileContext<DittoServer>,
  rendering: DittoServerRendering,
  plan: ApplyPlan,
): Promise<AppliedChildren> {
  const existing = cached<V1StatefulSet>(
    ctx,
    builtinResources.StatefulSet,
    dittoServerNames.statefulSet(ctx.object),
  );
  const applied: AppliedChildren = {
    configApplied: false,
    statefulSet: existing,
    statefulSetHeld: false,
    previousConfigHash: configHashOf(existing),
  };
  for (const child of rendering.children) {
    const resource = resourceFor(child.object, dittoServerChildResources);
    if (child.createOnly) {
      await createIfMissing(ctx, resource, child, plan);
      continue;
    }
    if (resource === PerconaPGClusterResource && !ctx.cache.isServed(PerconaPGClusterResource)) {
      applied.percona = { crdInstalled: false };
      continue;
    }
    if (resource === builtinResources.StatefulSet && plan.holdStatefulSet && existing !== undefined) {
      applied.statefulSetHeld = true;
      continue;
    }
    const written = child.owned
      ? await ctx.children.apply(child.object)
      : await ctx.children.applyUnowned(child.object);
    if (resource === builtinResources.ConfigMap) applied.configApplied = true;
    if (resource === builtinResources.StatefulSet) applied.statefulSet = written;
    if (resource === PerconaPGClusterResource) {
      const state = (written as PerconaPGCluster).status?.state;
      applied.percona = { crdInstalled: true, ...(state === undefined ? {} : { state }) };
    }
  }
  return applied;
}

/** Deletes each prunable child that exists and carries this server's controller owner reference. */
export async function pruneChildren(
  ctx: ReconcileContext<DittoServer>,
  prune: readonly PrunableChild[],
): Promise<string[]> {
  const uid = ctx.object.metadata.uid;
  const deleted: string[] = [];
  for (const entry of prune) {
    const resource = resourceFor(entry, dittoServerChildResources);
    const object = cached(ctx, resource, entry.name);
    const owned = object?.metadata?.ownerReferences?.some(
      (ref) => ref.controller === true && ref.uid === uid,
    );
    if (!owned) continue;
    await ctx.children.delete(resource, serverNamespace(ctx.object), entry.name);
    deleted.push(`${entry.kind} ${entry.name}`);
  }
  return deleted;
}
