// The operator as a process: probes and metrics on one port, the leader Lease taken and released,
// SIGTERM ending in exit code 0, and no secret in any log line.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CoordinationV1Api } from "@kubernetes/client-node";
import { freeLoopbackPorts } from "../cluster/loopback-ports.js";
import { startOperatorProcess } from "./chart/operator-process.js";
import { createTestNamespace, testCluster, testKubeconfigPath, waitFor } from "./support/cluster.js";

test("the operator process serves probes and metrics, leads, and exits 0 on SIGTERM after releasing its lease", async (t) => {
  const namespace = await createTestNamespace(t);
  const [port] = await freeLoopbackPorts(1);
  const password = "never-log-this-3c5e";
  const operator = startOperatorProcess(testKubeconfigPath(), {
    MEDIAPLANE_PROBE_HOST: "127.0.0.1",
    MEDIAPLANE_PROBE_PORT: String(port),
    MEDIAPLANE_LEASE_NAMESPACE: namespace,
    MEDIAPLANE_LOG_FORMAT: "json",
    POD_NAME: "process-test",
    QBITTORRENT_URL: "http://127.0.0.1:9",
    QBITTORRENT_USERNAME: "admin",
    QBITTORRENT_PASSWORD: password,
  });
  let exitCode: number | null | undefined;
  try {
    await operator.waitForMessage("operator started", 60_000);
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, { what: "/readyz 200" });
    const leases = testCluster().makeApiClient(CoordinationV1Api);
    await waitFor(
      async () =>
        (await leases.readNamespacedLease({ namespace, name: "mediaplane-operator" })).spec
          ?.holderIdentity === "process-test",
      { what: "the lease held by the process" },
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^mediaplane_leader 1$/m);
    assert.match(metrics, /^process_resident_memory_bytes /m);
  } finally {
    exitCode = await operator.stop(15_000);
  }
  assert.equal(exitCode, 0, "SIGTERM ends in a clean exit");
  const lease = await testCluster()
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ namespace, name: "mediaplane-operator" });
  assert.equal(lease.spec?.holderIdentity, "", "the lease is released for a successor");
  assert.ok(operator.lines.length > 0);
  assert.ok(
    !operator.lines.some((line) => line.includes(password)),
    "the qBittorrent password is never logged",
  );
});
