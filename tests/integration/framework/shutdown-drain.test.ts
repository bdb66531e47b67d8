// Graceful shutdown against a real apiserver: a reconcile in flight when stop() is called runs to
// its end (status written) before stop() resolves, and no queued reconcile starts after it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { readyCondition, widgetClient } from "./widget-client.js";
import { installWidgetCrd, widgetOperator } from "./widget-operator.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";

const kubeConfig = testCluster();

test("stop() waits for the reconcile in flight and starts no new one", async (t) => {
  await installWidgetCrd(kubeConfig);
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  const names = ["d-0", "d-1", "d-2", "d-3"];
  await Promise.all(names.map((name) => widgets.create(name, { value: "x" })));
  const starts: Array<{ name: string; at: number }> = [];
  const ends: Array<{ name: string; at: number }> = [];
  const running = widgetOperator(kubeConfig, {
    concurrency: 1,
    beforeReconcile: async (ctx) => {
      if (ctx.object.metadata?.namespace !== namespace) return;
      const name = ctx.object.metadata?.name ?? "";
      starts.push({ name, at: Date.now() });
      await delay(1500);
      ends.push({ name, at: Date.now() });
    },
  });
  await running.operator.start();
  await waitFor(() => starts.length === 1, { what: "the first reconcile to start" });
  const stopCalled = Date.now();
  const drained = await running.operator.stop();
  const stopResolved = Date.now();
  assert.equal(drained, true, "drained within the deadline");
  assert.equal(ends.length, 1, "the reconcile in flight finished");
  assert.ok((ends[0]?.at ?? Infinity) <= stopResolved);
  assert.ok(stopResolved - stopCalled >= 1000, "stop() waited for the reconcile");
  const inFlight = starts[0]?.name ?? "";
  // Its whole run finished, status patch included, before stop() returned.
  assert.equal(readyCondition(await widgets.get(inFlight))?.status, "True");
  await delay(2000);
  assert.equal(starts.length, 1, "no reconcile started after stop()");
  // Clean up with a fresh operator (the stopped one cannot finalize).
  const cleaner = widgetOperator(kubeConfig);
  await cleaner.operator.start();
  t.after(() => cleaner.operator.stop());
  await widgets.removeAll();
});
