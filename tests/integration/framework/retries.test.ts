// Retries against a real apiserver: a plain error is retried with growing, capped gaps; a
// permanent error stalls with a condition and one Warning Event, and nothing runs again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { CoreV1Api } from "@kubernetes/client-node";
import { readyCondition, widgetClient } from "./widget-client.js";
import { recordingLogger } from "./recording-log.js";
import { installWidgetCrd, widgetOperator } from "./widget-operator.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";

const kubeConfig = testCluster();
const core = kubeConfig.makeApiClient(CoreV1Api);

test("a reconcile that keeps throwing is retried with exponential backoff bounded by the cap", async (t) => {
  await installWidgetCrd(kubeConfig);
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  const attempts: number[] = [];
  const retry = { baseMs: 200, capMs: 1600 };
  const { log, entries } = recordingLogger();
  const running = widgetOperator(kubeConfig, {
    retry,
    log,
    beforeReconcile: (ctx) => {
      if (ctx.object.metadata?.namespace !== namespace || ctx.object.spec.value !== "throw") {
        return Promise.resolve();
      }
      attempts.push(performance.now());
      return Promise.reject(new Error("the backend is down"));
    },
  });
  await running.operator.start();
  t.after(() => running.operator.stop());
  await widgets.create("flaky", { value: "throw" });
  await waitFor(() => attempts.length >= 8, { what: "eight attempts", timeoutMs: 60_000 });
  // What the framework scheduled is the law under test; the clock only bounds it from below, since a
  // timer never fires early however busy the machine is.
  const scheduled = entries
    .filter(
      (entry) =>
        entry.message === "reconcile failed; will retry" && String(entry["object"]).startsWith(namespace),
    )
    .map((entry) => Number(entry["retryInMs"]))
    .slice(0, 7);
  assert.equal(scheduled.length, 7);
  scheduled.forEach((planned, n) => {
    // Attempt n waits between half and all of min(cap, base * 2^n) (full jitter over the upper half).
    const ceiling = Math.min(retry.capMs, retry.baseMs * 2 ** n);
    assert.ok(
      planned >= ceiling / 2 && planned <= ceiling,
      `retry ${n} planned ${planned} ms, not in [${ceiling / 2}, ${ceiling}]`,
    );
    const gap = (attempts[n + 1] ?? 0) - (attempts[n] ?? 0);
    assert.ok(
      gap >= planned - 5,
      `retry ${n} ran ${gap} ms after the failure, before its planned ${planned} ms`,
    );
  });
  assert.ok(
    Math.min(...scheduled.slice(4)) >= retry.capMs / 2,
    `capped retries stay near the cap: ${scheduled.join(", ")}`,
  );
  const widget = await widgets.get("flaky");
  assert.equal(readyCondition(widget)?.status, "False");
  assert.equal(readyCondition(widget)?.reason, "ReconcileError");
  // Success resets the backoff: the next failure starts from the base again.
  await widgets.patchSpec("flaky", { value: "fine" });
  await widgets.waitReady("flaky", 2);
  await widgets.removeAll();
});

test("a permanent error stalls: Stalled and Ready=False, one Warning Event, no reconcile for seconds", async (t) => {
  await installWidgetCrd(kubeConfig);
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  let runs = 0;
  const running = widgetOperator(kubeConfig, {
    resyncSeconds: 1,
    beforeReconcile: (ctx) => {
      if (ctx.object.metadata?.namespace === namespace) runs++;
      return Promise.resolve();
    },
  });
  await running.operator.start();
  t.after(() => running.operator.stop());
  await widgets.create("broken", { value: "v", fail: true });
  const stalled = await waitFor(
    async () => {
      const widget = await widgets.get("broken");
      return readyCondition(widget, "Stalled")?.status === "True" ? widget : undefined;
    },
    { what: "Stalled=True" },
  );
  assert.equal(readyCondition(stalled)?.status, "False");
  assert.equal(readyCondition(stalled)?.reason, "InvalidValue");
  const runsAtStall = runs;
  // Resync (1 s) and a metadata-only change must neither run the reconcile nor write anything. The
  // object's own resourceVersion is the measure: this operator also resyncs Widgets other files left.
  await widgets.patchLabels("broken", { poke: "1" });
  const versionAfterPoke = (await widgets.get("broken"))?.metadata?.resourceVersion;
  await delay(4000);
  assert.equal(runs, runsAtStall, "no reconcile while stalled at this generation");
  assert.equal((await widgets.get("broken"))?.metadata?.resourceVersion, versionAfterPoke, "no write to it");
  const events = await core.listNamespacedEvent({ namespace, fieldSelector: "involvedObject.name=broken" });
  const warnings = events.items.filter((e) => e.type === "Warning");
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]?.reason, "InvalidValue");
  assert.equal(warnings[0]?.count, 1, "the Warning is posted once, not once per retry");
  await widgets.removeAll();
});
