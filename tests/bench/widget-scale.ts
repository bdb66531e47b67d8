// Benchmark of the framework alone: N Widgets (one ConfigMap child each) to Ready, then a
// burst of 50 updates to one object, counting the reconciles it coalesces into.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from "@kubernetes/client-node";
import { counterTotal, measureRss, type BenchResult } from "./bench-metrics.js";
import { createWidgets } from "./framework.js";
import { installWidgetCrd, widgetOperator } from "../integration/framework/widget-operator.js";

const widgetApi = { group: "framework.mediaplane.test", version: "v1", plural: "widgets" };

export async function benchWidgets(
  kubeConfig: KubeConfig,
  namespace: string,
  count: number,
): Promise<BenchResult> {
  await installWidgetCrd(kubeConfig);
  const running = widgetOperator(kubeConfig);
  await running.operator.start();
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const rssBefore = measureRss();
  const started = Date.now();
  await createWidgets(kubeConfig, namespace, count, "w");
  for (;;) {
    const list = (await custom.listNamespacedCustomObject({ ...widgetApi, namespace })) as {
      items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
    };
    if (
      list.items.filter((w) => w.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
        .length === count
    )
      break;
    if (Date.now() - started > 600_000) throw new Error("widgets not Ready after 10 minutes");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const readyMs = Date.now() - started;
  const registry = running.operator.metrics.registry;
  const writes = await counterTotal(registry, "mediaplane_status_writes_total", { controller: "widget" });
  // Let the follow-up reconciles (children's ADDED events) settle, so the burst is measured alone.
  let settled = running.reconciles();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (running.reconciles() === settled) break;
    settled = running.reconciles();
  }
  const beforeBurst = running.reconciles();
  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      custom.patchNamespacedCustomObject(
        { ...widgetApi, namespace, name: "w-0", body: { spec: { value: `burst-${i}` } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const burstReconciles = running.reconciles() - beforeBurst;
  const rssAfter = measureRss();
  // Leave no Widget behind (its finalizer needs this operator), so later benchmarks count only their own.
  await custom.deleteCollectionNamespacedCustomObject({ ...widgetApi, namespace });
  for (;;) {
    const left = (await custom.listNamespacedCustomObject({ ...widgetApi, namespace })) as {
      items: unknown[];
    };
    if (left.items.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await running.operator.stop();
  return {
    name: `framework (${count} Widgets, one ConfigMap child each)`,
    numbers: {
      "all Ready (s)": readyMs / 1000,
      "Ready per second": count / (readyMs / 1000),
      "status writes per Widget": writes / count,
      "reconciles per Widget (create, settle)": beforeBurst / count,
      "reconciles for 50 updates to one object": burstReconciles,
      "operator RSS growth (MiB)": rssAfter - rssBefore,
    },
  };
}
