// The operator as a process: probes and metrics on one port, the leader Lease taken and released,
// SIGTERM ending in exit code 0, and no secret in any log line.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

test("SIGTERM while the API server cannot be reached stops gracefully, and the failures are one line per round", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mediaplane-unreachable-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [closedPort] = await freeLoopbackPorts(1);
  const server = `https://127.0.0.1:${closedPort}`;
  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: nowhere, cluster: {server: '" + server + "', insecure-skip-tls-verify: true}}]",
      "users: [{name: nobody, user: {token: not-a-real-token}}]",
      "contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]",
      "current-context: nowhere",
      "",
    ].join("\n"),
  );
  const operator = startOperatorProcess(kubeconfig, {
    MEDIAPLANE_PROBE_PORT: "0",
    MEDIAPLANE_PROBE_HOST: "127.0.0.1",
    MEDIAPLANE_LOG_FORMAT: "json",
    MEDIAPLANE_LEADER_ELECTION: "false",
  });
  const failuresLogged = (): Array<Record<string, unknown>> =>
    operator
      .entries()
      .filter((entry) => entry["message"] === "cannot list or watch the API server; retrying");
  let exitCode: number | null;
  try {
    await waitFor(() => (failuresLogged().length >= 3 ? true : undefined), {
      what: "three rounds of failed lists",
      timeoutMs: 60_000,
    });
  } finally {
    exitCode = await operator.stop(15_000);
  }
  assert.equal(exitCode, 0, "SIGTERM during the initial sync is a graceful stop, not exit 143");
  assert.ok(operator.entries().some((entry) => entry["message"] === "operator stopped"));
  assert.ok(!operator.entries().some((entry) => entry["message"] === "operator started"));
  const lines = failuresLogged();
  for (const line of lines) {
    assert.equal(line["server"], server, "each line names the server");
    assert.equal(line["cause"], "ECONNREFUSED", "and the cause");
  }
  const perLine = lines.map((line) => Number(line["watches"]));
  t.diagnostic(`watches per line: ${perLine.join(", ")}`);
  assert.ok(Math.max(...perLine) >= 10, "one line carries the failures of every informer of a round");
  assert.equal(
    operator.entries().filter((entry) => entry["message"] === "watch failed; restarting").length,
    0,
    "no line per informer",
  );
});

test("a KUBECONFIG naming a missing file says so and exits 2", async () => {
  const missing = join(tmpdir(), `mediaplane-no-such-kubeconfig-${process.pid}`);
  const operator = startOperatorProcess(missing, {
    MEDIAPLANE_PROBE_PORT: "0",
    MEDIAPLANE_PROBE_HOST: "127.0.0.1",
  });
  const exit = await waitFor(
    () => {
      const code = operator.exited();
      return code === undefined ? undefined : { code };
    },
    { what: "the operator to exit" },
  );
  assert.equal(exit.code, 2);
  assert.ok(
    operator.lines.some((line) => line.includes(`KUBECONFIG names ${missing}, which does not exist`)),
    operator.lines.join("\n"),
  );
  assert.ok(!operator.lines.some((line) => line.includes("ENOENT")), "no raw ENOENT");
});
