// The API client reuses its TLS connections: one handshake per request made a no-op controller
// spend most of its time connecting (seen in tests/bench/framework.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { KubeApi } from "../../../operator/framework/kube-api.js";
import { startLoopbackProxy, throughPort } from "./loopback-proxy.js";
import { testCluster } from "../support/cluster.js";

test("sequential requests share a kept-alive connection instead of one handshake each", async (t) => {
  const kubeConfig = testCluster();
  const proxy = await startLoopbackProxy(Number(new URL(kubeConfig.getCurrentCluster()?.server ?? "").port));
  t.after(() => proxy.close());
  const api = new KubeApi(throughPort(kubeConfig, proxy.port));
  for (let i = 0; i < 30; i++) await api.request("GET", "/api/v1/namespaces/default");
  assert.ok(proxy.connections <= 2, `30 requests opened ${proxy.connections} connections`);
});
