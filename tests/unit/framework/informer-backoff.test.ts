// An API server that ends every watch at once must not make the informer spin: a watch that ends
// within a second without an error backs off like a failure. (Before: thousands of watches a second.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { Informer } from "../../../operator/framework/informer.js";
import type { KubeApi } from "../../../operator/framework/kube-api.js";
import { silentLogger } from "../../../operator/framework/logger.js";
import { builtinResources } from "../../../operator/framework/resource.js";

test("watches that close immediately are retried with growing delays, not in a hot loop", async () => {
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
  await delay(1200);
  await informer.stop();
  assert.ok(watches >= 2, `the watch is retried (${watches})`);
  assert.ok(watches <= 12, `no hot loop: ${watches} watches in 1.2 s`);
  assert.ok(restarts.every((reason) => reason === "ClosedEarly"));
});
