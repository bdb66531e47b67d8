// The framework against a real apiserver: finalizers, children by server-side apply with
// drift repair, derived Ready, quiet status, deduplicated Events, permanent errors, leases.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  setHeaderOptions,
  PatchStrategy,
} from "@kubernetes/client-node";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import {
  installWidgetCrd,
  widgetFinalizer,
  widgetOperator,
  type Widget,
  type WidgetOperator,
} from "./widget-operator.js";

const kubeConfig = testCluster();
const core = kubeConfig.makeApiClient(CoreV1Api);
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const widgetApi = { group: "framework.mediaplane.test", version: "v1", plural: "widgets" };
let running: WidgetOperator;

before(async () => {
  await installWidgetCrd(kubeConfig);
  running = widgetOperator(kubeConfig);
  await running.operator.start();
});

after(async () => {
  await running.operator.stop();
});

async function createWidget(namespace: string, name: string, spec: Widget["spec"]): Promise<void> {
  await custom.createNamespacedCustomObject({
    ...widgetApi,
    namespace,
    body: { apiVersion: "framework.mediaplane.test/v1", kind: "Widget", metadata: { name }, spec },
  });
}

async function getWidget(namespace: string, name: string): Promise<Widget> {
  return (await custom.getNamespacedCustomObject({ ...widgetApi, namespace, name })) as Widget;
}

function condition(widget: Widget, type: string): Record<string, unknown> | undefined {
  return (widget.status?.conditions as Array<Record<string, unknown>> | undefined)?.find(
    (c) => c.type === type,
  );
}

async function waitReady(namespace: string, name: string, generation?: number): Promise<Widget> {
  return waitFor(
    async () => {
      const widget = await getWidget(namespace, name);
      const ready = condition(widget, "Ready");
      const observed = widget.status?.observedGeneration;
      return ready?.status === "True" && (generation === undefined || observed === generation)
        ? widget
        : undefined;
    },
    { what: `Widget ${namespace}/${name} Ready`, timeoutMs: 15_000 },
  );
}

test("a widget gets a finalizer, an owned child, derived Ready and observedGeneration", async (t) => {
  const namespace = await createTestNamespace(t);
  await createWidget(namespace, "one", { value: "a" });
  const widget = await waitReady(namespace, "one", 1);
  assert.deepEqual(widget.metadata?.finalizers, [widgetFinalizer]);
  assert.equal(widget.status?.value, "a");
  assert.equal(condition(widget, "Configured")?.observedGeneration, 1);
  assert.equal(condition(widget, "Reconciling"), undefined, "Reconciling is cleared after a finished run");
  const child = await core.readNamespacedConfigMap({ namespace, name: "one-child" });
  assert.equal(child.data?.value, "a");
  const owner = child.metadata?.ownerReferences?.[0];
  assert.equal(owner?.controller, true);
  assert.equal(owner?.uid, widget.metadata?.uid);
  assert.ok(
    child.metadata?.managedFields?.some((f) => f.manager === "mediaplane" && f.operation === "Apply"),
  );
});

test("drift on a child is repaired and a deleted child comes back", async (t) => {
  const namespace = await createTestNamespace(t);
  await createWidget(namespace, "drift", { value: "kept" });
  await waitReady(namespace, "drift");
  await core.patchNamespacedConfigMap(
    { namespace, name: "drift-child", body: { data: { value: "tampered" } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await waitFor(
    async () =>
      (await core.readNamespacedConfigMap({ namespace, name: "drift-child" })).data?.value === "kept",
    { what: "child value restored" },
  );
  await core.deleteNamespacedConfigMap({ namespace, name: "drift-child" });
  await waitFor(
    async () =>
      (await core.readNamespacedConfigMap({ namespace, name: "drift-child" })).data?.value === "kept",
    { what: "child recreated" },
  );
});

test("a spec change is reconciled and an unchanged widget is not written again", async (t) => {
  const namespace = await createTestNamespace(t);
  await createWidget(namespace, "quiet", { value: "1" });
  const first = await waitReady(namespace, "quiet", 1);
  const transition = condition(first, "Configured")?.lastTransitionTime;
  await custom.patchNamespacedCustomObject(
    { ...widgetApi, namespace, name: "quiet", body: { spec: { value: "2" } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  const second = await waitReady(namespace, "quiet", 2);
  assert.equal(second.status?.value, "2");
  assert.equal(
    condition(second, "Configured")?.lastTransitionTime,
    transition,
    "no transition without a change",
  );
  // A label change triggers a reconcile that finds nothing to write.
  const before = running.reconciles(`${namespace}/quiet`);
  await custom.patchNamespacedCustomObject(
    { ...widgetApi, namespace, name: "quiet", body: { metadata: { labels: { touched: "yes" } } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await waitFor(() => running.reconciles(`${namespace}/quiet`) > before, {
    what: "a reconcile after the label change",
  });
  await delay(300);
  const third = await getWidget(namespace, "quiet");
  assert.deepEqual(third.status, second.status, "status untouched when nothing changed");
});

test("other controllers' finalizers survive ours being added and removed", async (t) => {
  const namespace = await createTestNamespace(t);
  await custom.createNamespacedCustomObject({
    ...widgetApi,
    namespace,
    body: {
      apiVersion: "framework.mediaplane.test/v1",
      kind: "Widget",
      metadata: { name: "shared", finalizers: ["example.com/keep"] },
      spec: { value: "x" },
    },
  });
  const widget = await waitReady(namespace, "shared");
  assert.deepEqual(widget.metadata?.finalizers, ["example.com/keep", widgetFinalizer]);
  const finalizesBefore = running.finalizes(`${namespace}/shared`);
  await custom.deleteNamespacedCustomObject({ ...widgetApi, namespace, name: "shared" });
  const remaining = await waitFor(
    async () => {
      const current = await getWidget(namespace, "shared");
      return current.metadata?.finalizers?.length === 1 ? current : undefined;
    },
    { what: "our finalizer removed" },
  );
  assert.deepEqual(remaining.metadata?.finalizers, ["example.com/keep"]);
  assert.equal(running.finalizes(`${namespace}/shared`), finalizesBefore + 1);
  await custom.patchNamespacedCustomObject(
    { ...widgetApi, namespace, name: "shared", body: [{ op: "remove", path: "/metadata/finalizers" }] },
    setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
  );
});

test("a permanent error stalls with a Warning Event and is not retried until the spec changes", async (t) => {
  const namespace = await createTestNamespace(t);
  await createWidget(namespace, "bad", { value: "v", fail: true });
  const stalled = await waitFor(
    async () => {
      const widget = await getWidget(namespace, "bad");
      return condition(widget, "Stalled")?.status === "True" ? widget : undefined;
    },
    { what: "Stalled=True" },
  );
  assert.equal(condition(stalled, "Ready")?.status, "False");
  assert.equal(condition(stalled, "Ready")?.reason, "InvalidValue");
  const events = await waitFor(
    async () => {
      const list = await core.listNamespacedEvent({ namespace, fieldSelector: "involvedObject.name=bad" });
      return list.items.length > 0 ? list.items : undefined;
    },
    { what: "a Warning event" },
  );
  assert.equal(events[0]?.type, "Warning");
  assert.equal(events[0]?.reason, "InvalidValue");
  // Counted for this Widget only: other tests' Widgets reconcile as their namespaces go (the
  // namespace controller deletes their child ConfigMaps, which wakes the owner).
  const count = running.reconciles(`${namespace}/bad`);
  await custom.patchNamespacedCustomObject(
    { ...widgetApi, namespace, name: "bad", body: { metadata: { labels: { poke: "1" } } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await delay(500);
  assert.equal(
    running.reconciles(`${namespace}/bad`),
    count,
    "no reconcile while stalled at the same generation",
  );
  await custom.patchNamespacedCustomObject(
    { ...widgetApi, namespace, name: "bad", body: { spec: { fail: false } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  const fixed = await waitReady(namespace, "bad", 2);
  assert.equal(condition(fixed, "Stalled"), undefined);
});

test("a repeated Event is counted on one object, not posted again", async (t) => {
  const namespace = await createTestNamespace(t);
  await createWidget(namespace, "chatty", { value: "1" });
  await waitReady(namespace, "chatty");
  for (const value of ["2", "3"]) {
    await custom.patchNamespacedCustomObject(
      { ...widgetApi, namespace, name: "chatty", body: { spec: { value } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await waitReady(namespace, "chatty", Number(value));
  }
  const events = await waitFor(
    async () => {
      const list = await core.listNamespacedEvent({ namespace, fieldSelector: "involvedObject.name=chatty" });
      const configured = list.items.filter((e) => e.reason === "Configured");
      // At least one reconcile per generation; a finalizer or label change may add more.
      return configured.length === 1 && (configured[0]?.count ?? 0) >= 3 ? configured : undefined;
    },
    { what: "one Configured event with count >= 3" },
  );
  assert.equal(events.length, 1);
});

test("with leader election only the holder reconciles; the other takes over after release", async (t) => {
  const namespace = await createTestNamespace(t);
  const election = { namespace, name: "widget-leader" };
  const first = widgetOperator(kubeConfig, { leaderElection: election, identity: "first" });
  await first.operator.start();
  await waitFor(() => first.operator.isLeader, { what: "first becomes leader" });
  const second = widgetOperator(kubeConfig, { leaderElection: election, identity: "second" });
  await second.operator.start();
  t.after(async () => {
    await second.operator.stop();
  });
  await delay(500);
  assert.equal(second.operator.isLeader, false);
  const secondBefore = second.reconciles();
  await createWidget(namespace, "led", { value: "1" });
  await waitFor(() => first.reconciles() > 0, { what: "the leader reconciles" });
  assert.equal(second.reconciles(), secondBefore, "the follower does not reconcile");
  await first.operator.stop();
  const lease = await kubeConfig
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ namespace, name: "widget-leader" });
  assert.equal(lease.spec?.holderIdentity, "", "the lease is released on shutdown");
  await waitFor(() => second.operator.isLeader, { what: "second takes over", timeoutMs: 10_000 });
  await waitFor(() => second.reconciles() > secondBefore, { what: "the new leader reconciles" });
});
