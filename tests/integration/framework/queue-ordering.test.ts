// The work queue against a real apiserver: a burst of updates to one object coalesces into a
// few reconciles, one object's reconciles never overlap, and objects run in parallel up to the limit.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { reconcileRecorder } from "./reconcile-recorder.js";
import { widgetClient } from "./widget-client.js";
import { installWidgetCrd, widgetOperator } from "./widget-operator.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";

const kubeConfig = testCluster();

test("50 spec updates to one object coalesce into a few reconciles that end at the last spec", async (t) => {
  await installWidgetCrd(kubeConfig);
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  const recorder = reconcileRecorder(namespace, 0);
  // A window no busy machine's patch rate falls out of: each update restarts it, up to its cap (30 s).
  const running = widgetOperator(kubeConfig, { beforeReconcile: recorder.hook, coalesceMs: 3000 });
  await running.operator.start();
  t.after(() => running.operator.stop());
  await widgets.create("burst", { value: "0" });
  await widgets.waitReady("burst", 1);
  await delay(500); // the child's ADDED event may bring one more run; let it pass
  const before = recorder.count("burst");
  for (let i = 1; i <= 50; i++) await widgets.patchSpec("burst", { value: `v${i}` });
  const settled = await widgets.waitReady("burst", 51);
  assert.equal(settled.status?.value, "v50");
  await delay(500);
  const runs = recorder.count("burst") - before;
  assert.ok(runs >= 1 && runs <= 6, `50 updates became ${runs} reconciles`);
  await widgets.removeAll();
});

test("reconciles of one object never overlap, even with updates arriving mid-run", async (t) => {
  await installWidgetCrd(kubeConfig);
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  const recorder = reconcileRecorder(namespace, 400);
  const running = widgetOperator(kubeConfig, { beforeReconcile: recorder.hook });
  await running.operator.start();
  t.after(() => running.operator.stop());
  await widgets.create("serial", { value: "0" });
  await waitFor(() => recorder.count("serial") > 0, { what: "the first reconcile" });
  // Each update lands while the previous run still sleeps.
  for (let i = 1; i <= 4; i++) {
    await delay(250);
    await widgets.patchSpec("serial", { value: `v${i}` });
  }
  assert.equal((await widgets.waitReady("serial", 5)).status?.value, "v4");
  assert.ok(recorder.count("serial") >= 3, `only ${recorder.count("serial")} reconciles`);
  assert.equal(recorder.maxOverlap("serial"), 1, "two reconciles of one object ran at once");
  const spans = recorder.spans.filter((span) => span.name === "serial");
  for (let i = 1; i < spans.length; i++) {
    assert.ok((spans[i]?.start ?? 0) >= (spans[i - 1]?.end ?? Infinity), "runs are strictly sequential");
  }
  await widgets.removeAll();
});

test("objects reconcile in parallel up to the concurrency limit and no further", async (t) => {
  await installWidgetCrd(kubeConfig);
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  const names = Array.from({ length: 12 }, (_, i) => `p-${i}`);
  // Created before the operator starts, so the initial list enqueues all of them at once.
  await Promise.all(names.map((name) => widgets.create(name, { value: "x" })));
  const recorder = reconcileRecorder(namespace, 500);
  const running = widgetOperator(kubeConfig, { concurrency: 3, beforeReconcile: recorder.hook });
  await running.operator.start();
  t.after(() => running.operator.stop());
  await Promise.all(names.map((name) => widgets.waitReady(name, 1)));
  assert.equal(recorder.maxOverlap(), 3, "three objects at a time, as configured");
  for (const name of names) assert.equal(recorder.maxOverlap(name), 1);
  await widgets.removeAll();
});
