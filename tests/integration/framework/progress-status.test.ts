// Reconciling=True is written only when a run of a new generation lasts: a quick run costs one
// status write, a slow one shows Reconciling while it runs and clears it at the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Watch } from "@kubernetes/client-node";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import { widgetClient } from "./widget-client.js";
import { WidgetResource, installWidgetCrd, widgetOperator } from "./widget-operator.js";

const kubeConfig = testCluster();

/** Counts the status changes of one Widget as the apiserver's watch delivers them, from its creation on. */
async function watchStatusWrites(
  namespace: string,
  name: string,
): Promise<{ count: () => number; labels: () => Record<string, string>; stop: () => void }> {
  let count = 0;
  let previous: string | undefined;
  let labels: Record<string, string> = {};
  const path = `/apis/${WidgetResource.group}/${WidgetResource.version}/namespaces/${namespace}/${WidgetResource.plural}`;
  const request = await new Watch(kubeConfig).watch(
    path,
    { fieldSelector: `metadata.name=${name}` },
    (_type: string, object: { status?: unknown; metadata?: { labels?: Record<string, string> } }) => {
      labels = object.metadata?.labels ?? {};
      const status = JSON.stringify(object.status ?? null);
      if (previous !== undefined && status !== previous) count++;
      if (previous === undefined && object.status !== undefined) count++;
      previous = status;
    },
    () => undefined,
  );
  return { count: () => count, labels: () => labels, stop: () => request.abort() };
}

type Conditions = Array<{ type: string; status: string }> | undefined;
const has = (widget: { status?: Record<string, unknown> } | undefined, type: string): boolean =>
  ((widget?.status?.conditions as Conditions) ?? []).some((c) => c.type === type && c.status === "True");

test("a quick run of a new generation writes status once", async (t) => {
  await installWidgetCrd(kubeConfig);
  // A threshold no busy machine reaches: the run is "quick" by configuration, not by luck.
  const running = widgetOperator(kubeConfig, { progressAfterMs: 600_000 });
  await running.operator.start();
  t.after(() => running.operator.stop());
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  const writes = await watchStatusWrites(namespace, "quick");
  t.after(() => writes.stop());
  await widgets.create("quick", { value: "fast" });
  await widgets.waitReady("quick", 1);
  // The status a watch shows only grows: one change seen now, and a later one would be a second write.
  await widgets.patchLabels("quick", { poke: "1" });
  await waitFor(async () => (await widgets.get("quick"))?.metadata?.labels?.["poke"] === "1", {
    what: "label",
  });
  assert.equal(writes.count(), 1, "one status write: no separate Reconciling write");
});

test("progress-only writes (a message changes, no condition's status or reason) are held to one per window", async (t) => {
  await installWidgetCrd(kubeConfig);
  // A window longer than any burst below, on any machine: holding is by configuration, not by timing.
  const running = widgetOperator(kubeConfig, { progressWriteIntervalMs: 20_000 });
  await running.operator.start();
  t.after(() => running.operator.stop());
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  const writes = await watchStatusWrites(namespace, "steps");
  t.after(() => writes.stop());
  await widgets.create("steps", { value: "v" });
  await widgets.waitReady("steps", 1);
  const afterReady = writes.count();
  // Five label changes: each run changes only the Configured message (`progress N`).
  for (let step = 1; step <= 5; step++) {
    await widgets.patchLabels("steps", { progress: String(step) });
    await waitFor(() => running.reconciles(`${namespace}/steps`) >= 1 + step, { what: `run ${step}` });
  }
  assert.ok(writes.count() - afterReady <= 1, `${writes.count() - afterReady} writes during the burst`);
  // The newest message is written when the window ends.
  const latest = await waitFor(
    async () => {
      const widget = await widgets.get("steps");
      const conditions = (widget?.status?.conditions ?? []) as Array<{ type: string; message: string }>;
      return conditions.find((c) => c.type === "Configured")?.message.endsWith("(progress 5)")
        ? widget
        : undefined;
    },
    { what: "the last progress message", timeoutMs: 60_000 },
  );
  assert.ok(latest);
  assert.ok(writes.count() - afterReady <= 2, `${writes.count() - afterReady} writes in all`);
});

test("a slow run shows Reconciling=True while it runs and clears it after", async (t) => {
  await installWidgetCrd(kubeConfig);
  let seenReconciling = (): void => undefined;
  const reconcilingShown = new Promise<void>((resolve) => (seenReconciling = resolve));
  const running = widgetOperator(kubeConfig, {
    progressAfterMs: 50,
    // The run lasts until the test has seen Reconciling=True: no sleep decides what "slow" is.
    beforeReconcile: async (ctx) => {
      if (ctx.object.spec.value === "slow") await reconcilingShown;
    },
  });
  await running.operator.start();
  t.after(() => running.operator.stop());
  const widgets = widgetClient(kubeConfig, await createTestNamespace(t));
  await widgets.create("slow", { value: "slow" });
  await waitFor(async () => has(await widgets.get("slow"), "Reconciling"), {
    what: "Reconciling=True during the slow run",
    timeoutMs: 60_000,
  });
  seenReconciling();
  const ready = await widgets.waitReady("slow", 1);
  assert.equal(has(ready, "Reconciling"), false);
});

test("reconciles are counted under our names and the seed's controller-runtime ones", async (t) => {
  await installWidgetCrd(kubeConfig);
  const running = widgetOperator(kubeConfig);
  await running.operator.start();
  t.after(() => running.operator.stop());
  const widgets = widgetClient(kubeConfig, await createTestNamespace(t));
  await widgets.create("counted", { value: "v" });
  await widgets.waitReady("counted", 1);
  const text = await running.operator.metrics.registry.metrics();
  assert.match(text, /^mediaplane_reconcile_total\{controller="widget",result="done"\} [1-9]/m);
  assert.match(text, /^controller_runtime_reconcile_total\{controller="widget",result="success"\} [1-9]/m);
  assert.match(text, /^controller_runtime_reconcile_time_seconds_count\{controller="widget"\} [1-9]/m);
  assert.match(text, /^# TYPE controller_runtime_reconcile_errors_total counter$/m);
});
