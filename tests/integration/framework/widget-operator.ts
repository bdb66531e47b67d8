// A small test controller over a test CRD (Widget → one ConfigMap child), so the framework
// is proven against the real apiserver without any of the product controllers.
import type { Logger } from "winston";
import type { KubeConfig, KubernetesObject, V1ConfigMap } from "@kubernetes/client-node";
import type { ReconcileContext } from "../../../operator/framework/context.js";
import { ApiextensionsV1Api } from "@kubernetes/client-node";
import { silentLogger } from "../../../operator/framework/logger.js";
import { Operator } from "../../../operator/framework/operator.js";
import { PermanentError, done } from "../../../operator/framework/outcome.js";
import { builtinResources, type ResourceType } from "../../../operator/framework/resource.js";
import { waitFor } from "../support/cluster.js";

export const WidgetResource: ResourceType = {
  group: "framework.mediaplane.test",
  version: "v1",
  plural: "widgets",
  kind: "Widget",
  namespaced: true,
};

export const widgetFinalizer = "framework.mediaplane.test/finalizer";

export interface Widget extends KubernetesObject {
  spec: { value: string; fail?: boolean };
  status?: Record<string, unknown>;
}

export async function installWidgetCrd(kubeConfig: KubeConfig): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const name = "widgets.framework.mediaplane.test";
  try {
    await api.createCustomResourceDefinition({
      body: {
        metadata: { name },
        spec: {
          group: WidgetResource.group,
          scope: "Namespaced",
          names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" },
          versions: [
            {
              name: "v1",
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: {
                openAPIV3Schema: {
                  type: "object",
                  properties: {
                    spec: {
                      type: "object",
                      properties: { value: { type: "string" }, fail: { type: "boolean" } },
                    },
                    status: { type: "object", x_kubernetes_preserve_unknown_fields: true },
                  },
                },
              },
            },
          ],
        },
      },
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
  }
  await waitFor(
    async () => {
      const crd = await api.readCustomResourceDefinition({ name });
      return crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
    },
    { what: "Widget CRD established" },
  );
}

export interface WidgetOperatorOptions {
  leaderElection?: { namespace: string; name: string };
  identity?: string;
  concurrency?: number;
  retry?: { baseMs?: number; capMs?: number };
  resyncSeconds?: number;
  /** A run of a new generation longer than this shows Reconciling=True (the framework's default 1 s). */
  progressAfterMs?: number;
  /** Watch events for one object within this window coalesce (the framework's default 100 ms). */
  coalesceMs?: number;
  /** The framework's progressWriteIntervalMs; the Configured message then carries the label `progress`. */
  progressWriteIntervalMs?: number;
  /** Where the operator logs (silent by default). */
  log?: Logger;
  watchBackoff?: { baseMs?: number; capMs?: number };
  /** Runs first in every reconcile (to slow it down, record it, or throw). */
  beforeReconcile?: (ctx: ReconcileContext<Widget>) => Promise<void>;
}

export interface WidgetOperator {
  operator: Operator;
  /** Reconciles so far: of all Widgets, or of the one `namespace/name` given. */
  reconciles: (key?: string) => number;
  /** Finalizes so far: of all Widgets, or of the one `namespace/name` given. */
  finalizes: (key?: string) => number;
}

/** Counts calls in total and per object, so a test can ignore other tests' Widgets. */
function callCounter(): { add: (ctx: ReconcileContext<Widget>) => void; read: (key?: string) => number } {
  let total = 0;
  const perKey = new Map<string, number>();
  return {
    add: (ctx) => {
      total++;
      const key = `${ctx.object.metadata?.namespace}/${ctx.object.metadata?.name}`;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    },
    read: (key) => (key === undefined ? total : (perKey.get(key) ?? 0)),
  };
}

/** An operator with one Widget controller: ConfigMap `<name>-child` with data.value = spec.value. */
export function widgetOperator(kubeConfig: KubeConfig, options: WidgetOperatorOptions = {}): WidgetOperator {
  const reconciles = callCounter();
  const finalizes = callCounter();
  const operator = new Operator({
    kubeConfig,
    log: options.log ?? silentLogger(),
    identity: options.identity,
    leaderElection: options.leaderElection
      ? { enabled: true, leaseDurationSeconds: 3, ...options.leaderElection }
      : undefined,
    shutdownDeadlineMs: 5000,
    watchBackoff: options.watchBackoff,
  });
  operator.controller<Widget>({
    name: "widget",
    resource: WidgetResource,
    finalizer: widgetFinalizer,
    children: [builtinResources.ConfigMap],
    ready: { positive: ["Configured"] },
    concurrency: options.concurrency ?? 4,
    retry: options.retry ?? { baseMs: 200, capMs: 2000 },
    resyncSeconds: options.resyncSeconds,
    ...(options.progressAfterMs === undefined ? {} : { progressAfterMs: options.progressAfterMs }),
    ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
    ...(options.progressWriteIntervalMs === undefined
      ? {}
      : { progressWriteIntervalMs: options.progressWriteIntervalMs }),
    reconcile: async (ctx) => {
      reconciles.add(ctx);
      await options.beforeReconcile?.(ctx);
      if (ctx.object.spec.fail)
        throw new PermanentError("InvalidValue", `value ${ctx.object.spec.value} is refused`);
      const child: V1ConfigMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${ctx.object.metadata?.name}-child` },
        data: { value: ctx.object.spec.value },
      };
      await ctx.children.apply(child);
      ctx.status.value = ctx.object.spec.value;
      ctx.setCondition({
        type: "Configured",
        status: true,
        reason: "ChildApplied",
        message:
          options.progressWriteIntervalMs === undefined
            ? "child is in place"
            : `child is in place (progress ${ctx.object.metadata?.labels?.["progress"] ?? "none"})`,
      });
      await ctx.event("Normal", "Configured", "child is in place");
      return done;
    },
    finalize: async (ctx) => {
      finalizes.add(ctx);
      return Promise.resolve(done);
    },
  });
  return { operator, reconciles: reconciles.read, finalizes: finalizes.read };
}
