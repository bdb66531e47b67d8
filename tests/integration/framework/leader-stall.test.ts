// A leader whose connection to the apiserver goes silent (the connection stays open, nothing comes
// back, as when a NAT or conntrack entry is dropped) must step down within its lease, not hang in a
// request forever while another replica takes the lease: two leaders at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { silentLogger } from "../../../operator/framework/logger.js";
import { KubeApi } from "../../../operator/framework/kube-api.js";
import { LeaderElector } from "../../../operator/framework/leader-election.js";
import { waitFor } from "../../cluster/polling.js";
import { createTestNamespace, testCluster } from "../support/cluster.js";
import { startLoopbackProxy, throughPort } from "./loopback-proxy.js";

test("a leader whose apiserver connection stalls steps down within its lease duration", async (t) => {
  const kubeConfig = testCluster();
  const namespace = await createTestNamespace(t);
  const proxy = await startLoopbackProxy(Number(new URL(kubeConfig.getCurrentCluster()?.server ?? "").port));
  t.after(() => proxy.close());
  const transitions: string[] = [];
  const elector = new LeaderElector(
    new KubeApi(throughPort(kubeConfig, proxy.port)),
    {
      namespace,
      name: "stall",
      identity: "replica-a",
      leaseDurationSeconds: 6,
      retryPeriodMs: 500,
      onStartedLeading: () => transitions.push("started"),
      onStoppedLeading: () => transitions.push("stopped"),
    },
    silentLogger(),
  );
  elector.start();
  t.after(async () => {
    proxy.restore();
    await elector.stop();
  });
  await waitFor(() => elector.isLeader, { what: "replica-a leading", timeoutMs: 30_000, intervalMs: 100 });

  proxy.stall();
  const stalledAt = Date.now();
  await waitFor(() => !elector.isLeader, {
    what: "replica-a stepping down while its requests go unanswered",
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  const steppedDownAfterMs = Date.now() - stalledAt;
  assert.deepEqual(transitions, ["started", "stopped"]);
  // By the elector's arithmetic (requests time out after a third of the 6 s lease, a leader steps
  // down once two thirds passed without a renewal) this is about 5 s; the wait's 30 s bound is only
  // there for a slow machine. Before request timeouts the first unanswered GET hung forever.
  process.stderr.write(`stepped down ${steppedDownAfterMs} ms after the connection stalled\n`);

  proxy.restore();
  await waitFor(() => elector.isLeader, {
    what: "replica-a leading again",
    timeoutMs: 30_000,
    intervalMs: 100,
  });
});
