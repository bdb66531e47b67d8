// An API server that ends every watch at once must not make the informer spin: a watch that ends
// within a second without an error backs off like a failure. (Before: thousands of watches a second.)
// Time is node:test's mock clock, so a busy machine cannot change the count.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Informer } from "../../../operator/framework/informer.js";
import type { KubeApi } from "../../../operator/framework/kube-api.js";
import { silentLogger } from "../../../operator/framework/logger.js";
import { builtinResources } from "../../../operator/framework/resource.js";

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

test("watches that close immediately are retried with growing delays, not in a hot loop", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
  let watches = 0;
  const restarts: string[] = [];
  // Stands in for the REST client's two calls the informer makes; the real client is tested on a real apiserver.
  const closingServer = {
    list: () => Promise.resolve({ items: [], resourceVersion: "1" }),
    watch: () => {
      watches++;
      return Promise.resolve();
    },
  } as unknown as KubeApi;
  const informer = new Informer(closingServer, builtinResources.ConfigMap, silentLogger(), {
    backoffBaseMs: 100,
    backoffCapMs: 400,
    onRestart: (reason) => restarts.push(reason),
  });
  informer.start();
  await informer.waitForSync();
  await settle();
  for (let elapsed = 0; elapsed < 1200; elapsed += 10) {
    t.mock.timers.tick(10);
    await settle();
  }
  const stopped = informer.stop();
  t.mock.timers.tick(1000);
  await stopped;
  // Delays of at least 50, 100, 200, 200, ... ms (full jitter over 100 doubling to 400): at most 12 in 1.2 s.
  assert.ok(watches >= 3, `the watch is retried (${watches})`);
  assert.ok(watches <= 12, `no hot loop: ${watches} watches in 1.2 s`);
  assert.ok(restarts.length > 0 && restarts.every((reason) => reason === "ClosedEarly"));
});
