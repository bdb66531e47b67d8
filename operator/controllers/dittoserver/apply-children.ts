// Writes what renderDittoServer wants through the framework: the Percona cluster (owned only with
// deleteWithServer, never pruned), then every owned child by converge, holding a StatefulSet when asked.
import type { KubernetesObject, V1StatefulSet } from "@kubernetes/client-node";
import { childKey } from "../../framework/children.js";
import type { ReconcileContext } from "../../framework/context.js";
import { builtinResources } from "../../framework/resource.js";
import type { DittoServer } from "../../generated/dittoserver.js";
import { PerconaPGClusterResource } from "./child-resources.js";
import { dittoServerNames, serverNamespace } from "./names.js";
import { CONFIG_HASH_ANNOTATION } from "./render/config-hash.js";
import type { DesiredChild, DittoServerRendering } from "./render/index.js";
import { PERCONA_KIND, type PerconaPGCluster } from "./render/percona-cluster.js";

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

async function applyPercona(
  ctx: ReconcileContext<DittoServer>,
  child: DesiredChild,
): Promise<AppliedChildren["percona"]> {
  if (!ctx.cache.isServed(PerconaPGClusterResource)) return { crdInstalled: false };
  const written = (
    child.owned ? await ctx.children.apply(child.object) : await ctx.children.applyUnowned(child.object)
  ) as PerconaPGCluster;
  const state = written.status?.state;
  return { crdInstalled: true, ...(state === undefined ? {} : { state }) };
}

/**
 * `holdStatefulSet`: leave an existing StatefulSet as it is, because a Secret its pod reads is missing
 * and a running server must not be rolled onto it. A missing StatefulSet is still created (its pod
 * waits for the Secret). Create-once children were written before rendering (their values feed it).
 */
export async function applyChildren(
  ctx: ReconcileContext<DittoServer>,
  rendering: DittoServerRendering,
  holdStatefulSet: boolean,
): Promise<AppliedChildren> {
  const name = dittoServerNames.statefulSet(ctx.object);
  const existing = ctx.cache.get<V1StatefulSet>(
    builtinResources.StatefulSet,
    serverNamespace(ctx.object),
    name,
  );
  const applied: AppliedChildren = {
    configApplied: false,
    statefulSet: existing,
    statefulSetHeld: false,
    previousConfigHash: configHashOf(existing),
  };
  const owned: KubernetesObject[] = [];
  for (const child of rendering.children) {
    if (child.createOnly) continue;
    if (child.object.kind === PERCONA_KIND) applied.percona = await applyPercona(ctx, child);
    else if (child.object.kind === "StatefulSet" && holdStatefulSet && existing !== undefined) {
      applied.statefulSetHeld = true;
    } else owned.push(child.object);
  }
  const held = applied.statefulSetHeld ? [{ apiVersion: "apps/v1", kind: "StatefulSet", name }] : [];
  const { applied: written } = await ctx.children.converge({ apply: owned, keep: held });
  const configMapName = dittoServerNames.configMap(ctx.object);
  applied.configApplied = written.has(childKey({ kind: "ConfigMap", name: configMapName }));
  const statefulSet = written.get(childKey({ kind: "StatefulSet", name }));
  if (statefulSet) applied.statefulSet = statefulSet;
  return applied;
}
