// Watches against a real apiserver that goes away: a resume from a compacted resourceVersion
// gets 410 Gone and relists, an apiserver restart is ridden out, and no change is missed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compactEtcd } from "./etcd-compaction.js";
import { startLoopbackProxy, throughPort } from "./loopback-proxy.js";
import { widgetClient } from "./widget-client.js";
import { installWidgetCrd, widgetOperator, type WidgetOperator } from "./widget-operator.js";
import { testControlPlane } from "../../cluster/control-channel.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import { counterTotal } from "../../bench/bench-metrics.js";

const kubeConfig = testCluster();
const plane = testControlPlane();
const skip = plane === undefined ? "needs the control plane started by tests/run-tests.ts" : false;
const watchBackoff = { baseMs: 100, capMs: 1000 };

async function watchRestarts(running: WidgetOperator, reason?: string): Promise<number> {
  return counterTotal(running.operator.metrics.registry, "mediaplane_watch_restarts_total", {
    resource: "widgets",
    ...(reason === undefined ? {} : { reason }),
  });
}

test(
  "a watch resumed from a compacted resourceVersion gets 410, relists and misses nothing",
  { skip },
  async (t) => {
    await installWidgetCrd(kubeConfig);
    const namespace = await createTestNamespace(t);
    const widgets = widgetClient(kubeConfig, namespace);
    const apiserverPort = Number(new URL(kubeConfig.getCurrentCluster()?.server ?? "").port);
    const proxy = await startLoopbackProxy(apiserverPort);
    t.after(() => proxy.close());
    const running = widgetOperator(throughPort(kubeConfig, proxy.port), { watchBackoff });
    await running.operator.start();
    t.after(() => running.operator.stop());
    await Promise.all(["keep", "change", "drop"].map((name) => widgets.create(name, { value: "1" })));
    await Promise.all(["keep", "change", "drop"].map((name) => widgets.waitReady(name, 1)));
    const goneBefore = await watchRestarts(running, "Gone");

    // Outage: the operator sees nothing while objects are created, changed and deleted.
    proxy.cut();
    const added = Array.from({ length: 5 }, (_, i) => `added-${i}`);
    await Promise.all(added.map((name) => widgets.create(name, { value: "new" })));
    await widgets.patchSpec("change", { value: "2" });
    await widgets.remove("drop");
    // Compact etcd past the operator's resourceVersion, and restart the apiserver so its watch cache
    // (which would still replay those events) starts over: the resume can only be answered 410.
    await compactEtcd(plane?.etcdUrl ?? "");
    await plane?.restartApiserver();
    proxy.restore();

    await waitFor(async () => (await watchRestarts(running, "Gone")) > goneBefore, {
      what: "a watch restart with reason Gone",
      timeoutMs: 20_000,
    });
    for (const name of added) assert.equal((await widgets.waitReady(name, 1)).status?.value, "new");
    assert.equal((await widgets.waitReady("change", 2)).status?.value, "2");
    await widgets.waitGone("drop");
    await widgets.removeAll();
  },
);

test("an apiserver restart is ridden out: every change around it is reconciled", { skip }, async (t) => {
  await installWidgetCrd(kubeConfig);
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  const running = widgetOperator(kubeConfig, { watchBackoff });
  await running.operator.start();
  t.after(() => running.operator.stop());
  await Promise.all(["a", "b", "c"].map((name) => widgets.create(name, { value: "1" })));
  await Promise.all(["a", "b", "c"].map((name) => widgets.waitReady(name, 1)));
  const restartsBefore = await watchRestarts(running);

  // Changed just before the apiserver goes down, and just after it is back (the watch is still
  // reconnecting): both kinds must reach the operator.
  await widgets.patchSpec("a", { value: "2" });
  await plane?.restartApiserver();
  await widgets.patchSpec("b", { value: "2" });
  await widgets.remove("c");
  await widgets.create("d", { value: "after" });

  assert.equal((await widgets.waitReady("a", 2)).status?.value, "2");
  assert.equal((await widgets.waitReady("b", 2)).status?.value, "2");
  assert.equal((await widgets.waitReady("d", 1)).status?.value, "after");
  await widgets.waitGone("c");
  assert.ok((await watchRestarts(running)) > restartsBefore, "the widget watch was restarted");
  assert.ok(running.operator.ready, "caches synced again");
  // The cluster is whole again: the controller-manager still creates a namespace's ServiceAccount.
  await createTestNamespace(t);
  await widgets.removeAll();
});
