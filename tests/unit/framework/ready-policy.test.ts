// A Ready policy may depend on the object: a function policy is resolved per object, and the
// controller's status write derives Ready from the policy that object's spec calls for.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "winston";
import {
  resolveReadyPolicy,
  summarizeReady,
  type Condition,
} from "../../../operator/framework/conditions.js";
import { Controller } from "../../../operator/framework/controller.js";
import type { EventRecorder } from "../../../operator/framework/events.js";
import { InformerRegistry } from "../../../operator/framework/informer.js";
import type { KubeApi } from "../../../operator/framework/kube-api.js";
import { silentLogger } from "../../../operator/framework/logger.js";
import { OperatorMetrics } from "../../../operator/framework/metrics.js";
import { done } from "../../../operator/framework/outcome.js";

interface Thing extends KubernetesObject {
  spec: { database: boolean };
  status?: Record<string, unknown>;
}

const thingResource = {
  group: "test.mediaplane.io",
  version: "v1",
  plural: "things",
  kind: "Thing",
  namespaced: true,
};

const policyFor = (thing: Thing): { positive: string[] } => ({
  positive: thing.spec.database ? ["Available", "DatabaseReady"] : ["Available"],
});

function thing(name: string, database: boolean): Thing {
  return {
    apiVersion: "test.mediaplane.io/v1",
    kind: "Thing",
    metadata: { name, namespace: "ns", uid: `uid-${name}`, generation: 1 },
    spec: { database },
  };
}

test("resolveReadyPolicy returns a fixed policy as is and calls a function policy with the object", () => {
  const fixed = { positive: ["Available"], negative: ["Degraded"] };
  assert.equal(resolveReadyPolicy(fixed, thing("a", true)), fixed);
  assert.deepEqual(resolveReadyPolicy(policyFor, thing("a", true)).positive, ["Available", "DatabaseReady"]);
  assert.deepEqual(resolveReadyPolicy(policyFor, thing("b", false)).positive, ["Available"]);
});

test("a function policy makes Ready count a condition only for the objects that need it", () => {
  const available: Condition[] = [
    {
      type: "Available",
      status: "True",
      reason: "Up",
      message: "",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    },
  ];
  assert.equal(
    summarizeReady(available, resolveReadyPolicy(policyFor, thing("sqlite", false))).status,
    "True",
  );
  const withDatabase = summarizeReady(available, resolveReadyPolicy(policyFor, thing("pg", true)));
  assert.equal(withDatabase.status, "Unknown");
  assert.equal(withDatabase.message, "DatabaseReady not yet known");
});

test("the controller's status write derives Ready from the object's own policy", async () => {
  const patches: Array<{ name: string; body: { status: { conditions?: Condition[] } } }> = [];
  const api = {
    patch: (
      _resource: unknown,
      _namespace: string,
      name: string,
      body: { status: { conditions?: Condition[] } },
    ) => {
      patches.push({ name, body });
      return Promise.resolve({});
    },
  } as unknown as KubeApi;
  const log = silentLogger();
  const controller = new Controller<Thing>(
    {
      name: "things",
      resource: thingResource,
      reconcile: (ctx) => {
        ctx.setCondition({ type: "Available", status: true, reason: "Up", message: "serving" });
        return Promise.resolve(done);
      },
      ready: policyFor,
    },
    {
      api,
      informers: new InformerRegistry(api, log),
      events: { record: () => Promise.resolve() } as unknown as EventRecorder,
      metrics: new OperatorMetrics(false),
      log,
      fieldManager: "test",
      knownResources: () => [thingResource],
    },
  );
  // `run` is the per-object pass the queue calls; driving it directly needs no informer or queue.
  const run = (object: Thing): Promise<string> =>
    (controller as unknown as { run(o: Thing, key: string, log: Logger): Promise<string> }).run(
      object,
      `ns/${object.metadata?.name ?? ""}`,
      log,
    );
  assert.equal(await run(thing("sqlite", false)), "done");
  assert.equal(await run(thing("pg", true)), "done");
  const finalReady = (name: string): Condition | undefined =>
    patches
      .filter((patch) => patch.name === name)
      .at(-1)
      ?.body.status.conditions?.find((condition) => condition.type === "Ready");
  assert.equal(finalReady("sqlite")?.status, "True");
  assert.equal(finalReady("pg")?.status, "Unknown");
  assert.equal(finalReady("pg")?.message, "DatabaseReady not yet known");
});
