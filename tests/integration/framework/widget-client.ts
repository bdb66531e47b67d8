// Test-side access to Widgets: create, patch, read, wait for Ready at a generation, and delete
// them all (waiting for our finalizer) so no test leaves work for the next operator.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from "@kubernetes/client-node";
import { apiStatusCode, waitFor } from "../support/cluster.js";
import type { Widget } from "./widget-operator.js";

const widgetApi = { group: "framework.mediaplane.test", version: "v1", plural: "widgets" };

export interface WidgetClient {
  create(name: string, spec: Widget["spec"]): Promise<void>;
  patchSpec(name: string, spec: Partial<Widget["spec"]>): Promise<void>;
  patchLabels(name: string, labels: Record<string, string>): Promise<void>;
  get(name: string): Promise<Widget | undefined>;
  remove(name: string): Promise<void>;
  waitReady(name: string, generation?: number, timeoutMs?: number): Promise<Widget>;
  waitGone(name: string, timeoutMs?: number): Promise<void>;
  removeAll(timeoutMs?: number): Promise<void>;
}

export function readyCondition(
  widget: Widget | undefined,
  type = "Ready",
): Record<string, unknown> | undefined {
  return (widget?.status?.conditions as Array<Record<string, unknown>> | undefined)?.find(
    (c) => c.type === type,
  );
}

export function widgetClient(kubeConfig: KubeConfig, namespace: string): WidgetClient {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
  const get = async (name: string): Promise<Widget | undefined> => {
    try {
      return (await custom.getNamespacedCustomObject({ ...widgetApi, namespace, name })) as Widget;
    } catch (error) {
      if (apiStatusCode(error) === 404) return undefined;
      throw error;
    }
  };
  const waitGone = async (name: string, timeoutMs = 20_000): Promise<void> => {
    await waitFor(async () => (await get(name)) === undefined, { what: `Widget ${name} gone`, timeoutMs });
  };
  const client: WidgetClient = {
    create: async (name, spec) => {
      await custom.createNamespacedCustomObject({
        ...widgetApi,
        namespace,
        body: { apiVersion: "framework.mediaplane.test/v1", kind: "Widget", metadata: { name }, spec },
      });
    },
    patchSpec: async (name, spec) => {
      await custom.patchNamespacedCustomObject({ ...widgetApi, namespace, name, body: { spec } }, merge);
    },
    patchLabels: async (name, labels) => {
      await custom.patchNamespacedCustomObject(
        { ...widgetApi, namespace, name, body: { metadata: { labels } } },
        merge,
      );
    },
    get,
    remove: async (name) => {
      await custom.deleteNamespacedCustomObject({ ...widgetApi, namespace, name });
    },
    waitReady: (name, generation, timeoutMs = 20_000) =>
      waitFor(
        async () => {
          const widget = await get(name);
          const ready = readyCondition(widget)?.status === "True";
          const observed = widget?.status?.observedGeneration;
          return ready && (generation === undefined || observed === generation) ? widget : undefined;
        },
        { what: `Widget ${namespace}/${name} Ready at generation ${generation ?? "any"}`, timeoutMs },
      ),
    waitGone,
    removeAll: async (timeoutMs = 20_000) => {
      const list = (await custom.listNamespacedCustomObject({ ...widgetApi, namespace })) as {
        items: Widget[];
      };
      const names = list.items.map((widget) => widget.metadata?.name ?? "");
      await Promise.all(names.map((name) => client.remove(name).catch(() => undefined)));
      await Promise.all(names.map((name) => waitGone(name, timeoutMs)));
    },
  };
  return client;
}
