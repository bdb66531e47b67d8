// The framework's one way to write children, against a real apiserver: converge applies what a run
// renders and prunes what it owns but no longer renders (owner-checked, keep honoured), and
// create-once writes a generated object once and never again, announcing it only after the write.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CoreV1Api, type V1ConfigMap, type V1Secret } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { silentLogger } from "../../../operator/framework/logger.js";
import { Operator } from "../../../operator/framework/operator.js";
import { done } from "../../../operator/framework/outcome.js";
import { builtinResources } from "../../../operator/framework/resource.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import { readyCondition, widgetClient } from "./widget-client.js";
import { WidgetResource, installWidgetCrd, type Widget } from "./widget-operator.js";

const kubeConfig = testCluster();
const core = kubeConfig.makeApiClient(CoreV1Api);
let operator: Operator;

/** spec.value "apply:a,b;keep:c": ConfigMaps <name>-a and <name>-b are rendered, <name>-c is kept. */
function parse(value: string): { apply: string[]; keep: string[] } {
  const parts = Object.fromEntries(value.split(";").map((part) => part.split(":") as [string, string]));
  const list = (key: string): string[] => (parts[key] ?? "").split(",").filter((item) => item !== "");
  return { apply: list("apply"), keep: list("keep") };
}

before(async () => {
  await installWidgetCrd(kubeConfig);
  operator = new Operator({ kubeConfig, log: silentLogger() });
  operator.controller<Widget>({
    name: "children",
    resource: WidgetResource,
    children: [builtinResources.ConfigMap, builtinResources.Secret],
    ready: { positive: [] },
    reconcile: async (ctx) => {
      const name = ctx.object.metadata?.name ?? "";
      const generated = await ctx.children.createOnce(
        { apiVersion: "v1", kind: "Secret", name: `${name}-generated` },
        (): V1Secret => ({
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: `${name}-generated` },
          stringData: { token: randomBytes(16).toString("hex") },
        }),
      );
      if (generated.created) await ctx.event("Normal", "Generated", `generated Secret ${name}-generated`);
      const { apply, keep } = parse(ctx.object.spec.value);
      await ctx.children.converge({
        apply: apply.map((suffix): V1ConfigMap => ({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: `${name}-${suffix}` },
          data: { suffix },
        })),
        keep: keep.map((suffix) => ({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-${suffix}` })),
      });
      ctx.status.rendered = ctx.object.spec.value;
      return done;
    },
  });
  await operator.start();
});

after(async () => {
  await operator.stop();
});

async function configMapNames(namespace: string): Promise<string[]> {
  const list = await core.listNamespacedConfigMap({ namespace });
  return list.items
    .map((item) => item.metadata?.name ?? "")
    .filter((name) => name.startsWith("w-"))
    .sort();
}

async function eventsOf(
  namespace: string,
  reason: string,
): Promise<Array<{ message?: string; count?: number }>> {
  const events = await core.listNamespacedEvent({ namespace, fieldSelector: "involvedObject.name=w" });
  return events.items.filter((event) => event.reason === reason);
}

test("converge prunes what is no longer rendered, keeps what it is told to, and never touches others' objects", async (t) => {
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  // Not owned by the Widget: the prune must leave it alone although its name fits the pattern.
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "w-foreign" }, data: {} } });
  const rendered = async (value: string): Promise<void> => {
    await waitFor(async () => (await widgets.get("w"))?.status?.["rendered"] === value, {
      what: `the run that rendered ${value}`,
      timeoutMs: 60_000,
    });
  };

  await widgets.create("w", { value: "apply:a,b,c" });
  await rendered("apply:a,b,c");
  assert.deepEqual(await configMapNames(namespace), ["w-a", "w-b", "w-c", "w-foreign"]);
  const owner = (await core.readNamespacedConfigMap({ namespace, name: "w-a" })).metadata?.ownerReferences;
  assert.equal(owner?.[0]?.kind, "Widget");
  assert.equal(owner?.[0]?.controller, true);

  await widgets.patchSpec("w", { value: "apply:b;keep:c" });
  await rendered("apply:b;keep:c");
  await waitFor(async () => !(await configMapNames(namespace)).includes("w-a"), { what: "w-a pruned" });
  assert.deepEqual(
    await configMapNames(namespace),
    ["w-b", "w-c", "w-foreign"],
    "w-c kept, w-foreign untouched",
  );
  const pruned = await eventsOf(namespace, "Pruned");
  assert.equal(pruned.length, 1);
  assert.match(pruned[0]?.message ?? "", /deleted ConfigMap w-a: the spec no longer asks for them/);

  await widgets.patchSpec("w", { value: "apply:b" });
  await rendered("apply:b");
  await waitFor(async () => !(await configMapNames(namespace)).includes("w-c"), { what: "w-c pruned" });
  assert.deepEqual(await configMapNames(namespace), ["w-b", "w-foreign"]);
});

test("create-once writes its object once, keeps it through later runs, and announces only that write", async (t) => {
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  await widgets.create("w", { value: "apply:x" });
  const secret = await waitFor(
    async () => core.readNamespacedSecret({ namespace, name: "w-generated" }).catch(() => undefined),
    { what: "the generated Secret", timeoutMs: 60_000 },
  );
  for (const value of ["apply:y", "apply:x,y"]) {
    await widgets.patchSpec("w", { value });
    await waitFor(async () => (await widgets.get("w"))?.status?.["rendered"] === value, {
      what: `the run that rendered ${value}`,
      timeoutMs: 60_000,
    });
  }
  const after = await core.readNamespacedSecret({ namespace, name: "w-generated" });
  assert.equal(after.metadata?.resourceVersion, secret.metadata?.resourceVersion, "never written again");
  assert.deepEqual(after.data, secret.data, "the generated value stays");
  assert.equal(after.metadata?.ownerReferences?.[0]?.kind, "Widget", "owned unless asked otherwise");
  const generated = await eventsOf(namespace, "Generated");
  assert.equal(generated.length, 1);
  assert.equal(generated[0]?.count, 1, "announced once, after the write");
});

test("create-once keeps an object that already exists, whatever it holds", async (t) => {
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: "w-generated" }, stringData: { token: "chosen-by-hand" } },
  });
  await widgets.create("w", { value: "apply:x" });
  await waitFor(async () => (await widgets.get("w"))?.status?.["rendered"] === "apply:x", {
    what: "the first run",
    timeoutMs: 60_000,
  });
  const secret = await core.readNamespacedSecret({ namespace, name: "w-generated" });
  assert.equal(Buffer.from(secret.data?.["token"] ?? "", "base64").toString(), "chosen-by-hand");
  assert.deepEqual(await eventsOf(namespace, "Generated"), [], "nothing was generated");
});

test("a child the API server refuses as invalid stalls the owner with InvalidSpec until the spec changes", async (t) => {
  const namespace = await createTestNamespace(t);
  const widgets = widgetClient(kubeConfig, namespace);
  // A ConfigMap named w-Not_A_Name: the API server answers 422 Invalid, which no retry can fix.
  await widgets.create("w", { value: "apply:Not_A_Name" });
  const stalled = await waitFor(
    async () => {
      const widget = await widgets.get("w");
      return readyCondition(widget, "Stalled")?.status === "True" ? widget : undefined;
    },
    { what: "Stalled=True", timeoutMs: 60_000 },
  );
  assert.equal(readyCondition(stalled)?.status, "False");
  assert.equal(readyCondition(stalled)?.reason, "InvalidSpec");
  assert.match(
    String(readyCondition(stalled)?.message),
    /refuses the ConfigMap w-Not_A_Name this spec renders/,
  );
  await widgets.patchSpec("w", { value: "apply:fine" });
  await waitFor(async () => (await widgets.get("w"))?.status?.["rendered"] === "apply:fine", {
    what: "the run of the fixed spec",
    timeoutMs: 60_000,
  });
  assert.notEqual(readyCondition(await widgets.get("w"), "Stalled")?.status, "True");
});
