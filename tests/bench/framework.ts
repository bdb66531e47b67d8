// Benchmark of the framework alone: a no-op controller (conditions only, no children) over N
// Widgets — reconciles per second to Ready, status writes in a steady 30 s (goal 0), operator RSS.
import { CustomObjectsApi, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { pathToFileURL } from "node:url";
import { silentLogger } from "../../operator/framework/logger.js";
import { Operator } from "../../operator/framework/operator.js";
import { done } from "../../operator/framework/outcome.js";
import { startControlPlane } from "../cluster/control-plane.js";
import { installWidgetCrd, WidgetResource, type Widget } from "../integration/framework/widget-operator.js";
import { counterTotal, formatResults, measureRss, type BenchResult } from "./bench-metrics.js";

const widgetApi = { group: "framework.mediaplane.test", version: "v1", plural: "widgets" };
const steadySeconds = Number(process.env.BENCH_STEADY_SECONDS ?? 30);
const resyncSeconds = 10;

/** Creates `count` Widgets named `<prefix>-<i>`, 50 requests at a time. */
export async function createWidgets(
  kubeConfig: KubeConfig,
  namespace: string,
  count: number,
  prefix = "noop",
): Promise<void> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) =>
        custom.createNamespacedCustomObject({
          ...widgetApi,
          namespace,
          body: {
            apiVersion: "framework.mediaplane.test/v1",
            kind: "Widget",
            metadata: { name: `${prefix}-${i + j}` },
            spec: { value: "v" },
          },
        }),
      ),
    );
  }
}

function noopOperator(kubeConfig: KubeConfig): Operator {
  const operator = new Operator({ kubeConfig, log: silentLogger(), shutdownDeadlineMs: 10_000 });
  operator.controller<Widget>({
    name: "noop",
    resource: WidgetResource,
    ready: { positive: ["Configured"] },
    concurrency: 8,
    resyncSeconds,
    reconcile: (ctx) => {
      ctx.setCondition({ type: "Configured", status: true, reason: "Noop", message: "nothing to do" });
      return Promise.resolve(done);
    },
  });
  return operator;
}

function readyCount(operator: Operator, namespace: string): number {
  return operator.informers
    .for<Widget>(WidgetResource)
    .list(namespace)
    .filter((widget) =>
      (widget.status?.conditions as Array<{ type: string; status: string }> | undefined)?.some(
        (c) => c.type === "Ready" && c.status === "True",
      ),
    ).length;
}

/** Creates `count` Widgets in `namespace`, then starts the no-op operator and measures it. */
export async function benchFramework(
  kubeConfig: KubeConfig,
  namespace: string,
  count: number,
): Promise<BenchResult> {
  await installWidgetCrd(kubeConfig);
  await createWidgets(kubeConfig, namespace, count);
  const rssBefore = measureRss();
  const operator = noopOperator(kubeConfig);
  const registry = operator.metrics.registry;
  const started = Date.now();
  await operator.start();
  try {
    while (readyCount(operator, namespace) < count) {
      if (Date.now() - started > 600_000) throw new Error("not all Ready after 10 minutes");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const readyMs = Date.now() - started;
    const reconciles = await counterTotal(registry, "mediaplane_reconcile_total", { controller: "noop" });
    const writes = await counterTotal(registry, "mediaplane_status_writes_total", { controller: "noop" });
    await new Promise((resolve) => setTimeout(resolve, steadySeconds * 1000));
    const steadyReconciles =
      (await counterTotal(registry, "mediaplane_reconcile_total", { controller: "noop" })) - reconciles;
    const steadyWrites =
      (await counterTotal(registry, "mediaplane_status_writes_total", { controller: "noop" })) - writes;
    const rss = measureRss();
    return {
      name: `framework, no-op controller (${count} Widgets, conditions only, resync ${resyncSeconds} s)`,
      numbers: {
        "all Ready (s)": readyMs / 1000,
        "reconciles per second to Ready": reconciles / (readyMs / 1000),
        "Ready objects per second": count / (readyMs / 1000),
        "reconciles per object to Ready": reconciles / count,
        "status writes per object to Ready": writes / count,
        [`reconciles in ${steadySeconds} steady s (resyncs)`]: steadyReconciles,
        [`status writes in ${steadySeconds} steady s`]: steadyWrites,
        "process RSS (MiB)": rss,
        "RSS growth from operator start (MiB)": Math.round((rss - rssBefore) * 10) / 10,
      },
    };
  } finally {
    await operator.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.env.BENCH_FRAMEWORK_OBJECTS ?? 1000);
  const cluster = await startControlPlane();
  let output: string;
  try {
    const kubeConfig = cluster.kubeConfig();
    await kubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: "bench-framework" } } });
    output = formatResults([await benchFramework(kubeConfig, "bench-framework", count)]);
  } finally {
    await cluster.stop();
  }
  process.stdout.write(`${output}\n`);
}
