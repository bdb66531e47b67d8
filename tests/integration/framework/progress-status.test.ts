// Reconciling=True is written only when a run of a new generation lasts: a quick run costs one
// status write, a slow one shows Reconciling while it runs and clears it at the end.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { counterTotal } from "../../bench/bench-metrics.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import { widgetClient } from "./widget-client.js";
import { installWidgetCrd, widgetOperator, type WidgetOperator } from "./widget-operator.js";

const kubeConfig = testCluster();
let running: WidgetOperator;

before(async () => {
  await installWidgetCrd(kubeConfig);
  running = widgetOperator(kubeConfig, {
    beforeReconcile: async (ctx) => {
      if (ctx.object.spec.value === "slow") await delay(2500);
    },
  });
  await running.operator.start();
});

after(async () => {
  await running.operator.stop();
});

const writes = (): Promise<number> =>
  counterTotal(running.operator.metrics.registry, "mediaplane_status_writes_total", { controller: "widget" });

/** Waits until no status write happened for a second (Widgets left by other files settle first). */
async function settled(): Promise<number> {
  let last = await writes();
  for (;;) {
    await delay(1000);
    const now = await writes();
    if (now === last) return now;
    last = now;
  }
}

type Conditions = Array<{ type: string; status: string }> | undefined;
const has = (widget: { status?: Record<string, unknown> } | undefined, type: string): boolean =>
  ((widget?.status?.conditions as Conditions) ?? []).some((c) => c.type === type && c.status === "True");

test("a quick run of a new generation writes status once", async (t) => {
  const widgets = widgetClient(kubeConfig, await createTestNamespace(t));
  const before = await settled();
  await widgets.create("quick", { value: "fast" });
  await widgets.waitReady("quick", 1);
  assert.equal((await settled()) - before, 1, "one status write: no separate Reconciling write");
});

test("a slow run shows Reconciling=True while it runs and clears it after", async (t) => {
  const widgets = widgetClient(kubeConfig, await createTestNamespace(t));
  await settled();
  await widgets.create("slow", { value: "slow" });
  await waitFor(async () => has(await widgets.get("slow"), "Reconciling"), {
    what: "Reconciling=True during the slow run",
    timeoutMs: 10_000,
  });
  const ready = await widgets.waitReady("slow", 1);
  assert.equal(has(ready, "Reconciling"), false);
});

test("reconciles are counted under our names and the seed's controller-runtime ones", async () => {
  const text = await running.operator.metrics.registry.metrics();
  assert.match(text, /^mediaplane_reconcile_total\{controller="widget",result="done"\} [1-9]/m);
  assert.match(text, /^controller_runtime_reconcile_total\{controller="widget",result="success"\} [1-9]/m);
  assert.match(text, /^controller_runtime_reconcile_time_seconds_count\{controller="widget"\} [1-9]/m);
  assert.match(text, /^# TYPE controller_runtime_reconcile_errors_total counter$/m);
});
