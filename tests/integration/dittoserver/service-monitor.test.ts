// metrics.serviceMonitor on the real test cluster: without the monitoring.coreos.com CRD the server is
// Ready and ServiceMonitorReady says the CRD is missing; once a stand-in CRD is served the operator
// creates the ServiceMonitor on its own, and prunes it when the spec drops it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { RunningOperator } from "../../../operator/main.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import {
  conditionOf,
  createIn,
  custom,
  dittoServer,
  installCrd,
  isGone,
  patchServerSpec,
  provideVolumes,
  removeCrd,
  standInCrd,
  startTestOperator,
  waitForEvent,
  waitForReady,
  waitForServer,
} from "./dittoserver-support.js";

const serviceMonitorCrd = "servicemonitors.monitoring.coreos.com";
const monitorApi = { group: "monitoring.coreos.com", version: "v1", plural: "servicemonitors" };

interface ServiceMonitor extends KubernetesObject {
  spec: { selector: { matchLabels: Record<string, string> }; endpoints: Array<Record<string, string>> };
}

let running: RunningOperator;

before(async () => {
  // The operator must start while the CRD is absent, as in a cluster without the Prometheus Operator.
  await removeCrd(serviceMonitorCrd);
  running = await startTestOperator();
});

after(async () => {
  await running.stop();
  await removeCrd(serviceMonitorCrd);
});

test("a ServiceMonitor without its CRD is a condition, not a failure; installing the CRD creates it", async (t) => {
  const namespace = await createTestNamespace(t);
  await provideVolumes(t, namespace, "watched", { metadata: "1Gi" });
  await createIn(
    namespace,
    dittoServer("watched", {
      storage: { metadataSize: "1Gi" },
      metrics: {
        enabled: true,
        serviceMonitor: { enabled: true, interval: "15s", labels: { release: "prom" } },
      },
    }),
  );

  const ready = await waitForReady(namespace, "watched", 120_000);
  const missing = conditionOf(ready, "ServiceMonitorReady");
  assert.equal(missing?.status, "False");
  assert.equal(missing?.reason, "PrometheusOperatorNotInstalled");
  assert.match(missing?.message ?? "", /monitoring\.coreos\.com ServiceMonitor CRD is not installed/);
  assert.equal(ready.status?.phase, "Running", "the server runs as usual");
  await waitForEvent(namespace, "watched", "Warning", "PrometheusOperatorNotInstalled");

  await installCrd(standInCrd("monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors"));
  const monitor = await waitFor(
    async () =>
      (await custom.getNamespacedCustomObject({
        ...monitorApi,
        namespace,
        name: "watched",
      })) as ServiceMonitor,
    { what: "ServiceMonitor watched created", timeoutMs: 120_000, intervalMs: 500 },
  );
  assert.equal(monitor.metadata?.labels?.["release"], "prom");
  assert.equal(monitor.metadata?.ownerReferences?.[0]?.kind, "DittoServer");
  assert.deepEqual(monitor.spec.endpoints, [{ port: "metrics", path: "/metrics", interval: "15s" }]);
  assert.equal(monitor.spec.selector.matchLabels["app.kubernetes.io/component"], "metrics");
  const applied = await waitForServer(
    namespace,
    "watched",
    "ServiceMonitorReady=True",
    (server) => conditionOf(server, "ServiceMonitorReady")?.status === "True",
  );
  assert.equal(conditionOf(applied, "ServiceMonitorReady")?.reason, "ServiceMonitorApplied");
  assert.equal(conditionOf(applied, "Ready")?.status, "True");

  await patchServerSpec(namespace, "watched", {
    metrics: { enabled: true, serviceMonitor: { enabled: false } },
  });
  await waitFor(
    () => isGone(() => custom.getNamespacedCustomObject({ ...monitorApi, namespace, name: "watched" })),
    { what: "ServiceMonitor pruned once the spec drops it", timeoutMs: 60_000 },
  );
  const dropped = await waitForServer(
    namespace,
    "watched",
    "no ServiceMonitorReady condition",
    (server) => conditionOf(server, "ServiceMonitorReady") === undefined,
  );
  assert.equal(conditionOf(dropped, "Ready")?.status, "True");
});
