// spec.monitoring on the real test cluster: without the monitoring.coreos.com CRD the stack goes Ready with
// its exporters and ServiceMonitorReady says the CRD is missing; a stand-in CRD gets the ServiceMonitor
// created by itself; Bazarr's exporter follows its key; monitoring off removes exporters and ServiceMonitor.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { KubernetesObject, V1Deployment, V1Service } from "@kubernetes/client-node";
import type { Operator } from "../../../operator/framework/operator.js";
import { builtinResources } from "../../../operator/framework/resource.js";
import { installCrd, removeCrd, standInCrd } from "../dittoserver/dittoserver-support.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import {
  api,
  conditionOf,
  createStack,
  exists,
  mergePatchStack,
  provisionConfigVolumes,
  sampleStack,
  startMediaStackOperator,
  waitForCondition,
  waitForReady,
  waitGone,
} from "./stack-support.js";

const serviceMonitorCrd = "servicemonitors.monitoring.coreos.com";

interface ServiceMonitor extends KubernetesObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: Array<{ port: string; interval?: string }>;
  };
}

let operator: Operator;

before(async () => {
  // The operator starts while the CRD is absent, as in a cluster without the Prometheus Operator.
  await removeCrd(serviceMonitorCrd);
  operator = await startMediaStackOperator(testCluster());
});

after(async () => {
  await operator.stop();
  await removeCrd(serviceMonitorCrd);
});

/** app name → its Deployment's container names, for the stack `watched`. */
async function containersByApp(namespace: string): Promise<Map<string, string[]>> {
  const { items: deployments } = await api.list<V1Deployment>(builtinResources.Deployment, namespace);
  return new Map(
    deployments
      .filter((deployment) => deployment.metadata?.labels?.["app.kubernetes.io/instance"] === "watched")
      .map((deployment) => [
        deployment.metadata?.labels?.["app.kubernetes.io/name"] ?? "?",
        (deployment.spec?.template.spec?.containers ?? []).map((container) => container.name),
      ]),
  );
}

async function servicePorts(namespace: string, app: string): Promise<string[]> {
  const service = await api.get<V1Service>(builtinResources.Service, namespace, `watched-${app}`);
  return (service.spec?.ports ?? []).map((port) => `${port.name}:${port.port}`);
}

const serviceMonitors = { ...builtinResources.ServiceMonitor };

test("monitoring without the ServiceMonitor CRD: Ready with exporters; the CRD later brings the ServiceMonitor; off removes both", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = sampleStack("monitoring.yaml", namespace);
  await provisionConfigVolumes(t, stack);
  await createStack(t, stack);

  const ready = await waitForReady(namespace, "watched", 120_000);
  const missing = conditionOf(ready, "ServiceMonitorReady");
  assert.equal(missing?.status, "False");
  assert.equal(missing?.reason, "PrometheusOperatorNotInstalled");
  assert.match(missing?.message ?? "", /monitoring\.coreos\.com ServiceMonitor CRD is not installed/);
  assert.doesNotMatch(missing?.message ?? "", /no exporter for/);
  assert.deepEqual(Object.fromEntries(await containersByApp(namespace)), {
    prowlarr: ["prowlarr", "exportarr"],
    sonarr: ["sonarr", "exportarr"],
    radarr: ["radarr", "exportarr"],
    qbittorrent: ["qbittorrent", "qbittorrent-exporter"],
    jellyfin: ["jellyfin"],
    // Bazarr's key is generated with the others (and preset into Bazarr): its exporter reads it.
    bazarr: ["bazarr", "exportarr"],
  });
  assert.deepEqual(await servicePorts(namespace, "sonarr"), ["http:8989", "monitoring:9707"]);
  assert.deepEqual(await servicePorts(namespace, "qbittorrent"), ["http:8080", "monitoring:8090"]);
  assert.deepEqual(await servicePorts(namespace, "jellyfin"), ["http:8096"]);

  assert.deepEqual(await servicePorts(namespace, "bazarr"), ["http:6767", "monitoring:9707"]);

  await installCrd(standInCrd("monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors"));
  const monitor = await waitFor(
    async () =>
      (await exists(serviceMonitors, namespace, "watched"))
        ? api.get<ServiceMonitor>(serviceMonitors, namespace, "watched")
        : undefined,
    { what: "the ServiceMonitor, created once its CRD is served", timeoutMs: 120_000, intervalMs: 500 },
  );
  assert.deepEqual(monitor.spec.selector.matchLabels, {
    "app.kubernetes.io/instance": "watched",
    "app.kubernetes.io/managed-by": "mediaplane",
    "app.kubernetes.io/part-of": "mediastack",
  });
  assert.deepEqual(
    monitor.spec.endpoints.map((endpoint) => [endpoint.port, endpoint.interval]),
    [["monitoring", "60s"]],
  );
  assert.equal(monitor.metadata?.ownerReferences?.[0]?.kind, "MediaStack");
  const applied = await waitForCondition(
    namespace,
    "watched",
    "ServiceMonitorReady",
    (condition) => condition.status === "True",
    "ServiceMonitorReady=True",
  );
  assert.equal(conditionOf(applied, "ServiceMonitorReady")?.reason, "ServiceMonitorApplied");
  assert.equal(conditionOf(applied, "Ready")?.status, "True");

  await mergePatchStack(namespace, "watched", { spec: { monitoring: { enabled: false } } });
  await waitGone(serviceMonitors, namespace, "watched");
  await waitFor(
    async () => [...(await containersByApp(namespace)).values()].every((names) => names.length === 1),
    { what: "every exporter sidecar removed", timeoutMs: 60_000, intervalMs: 500 },
  );
  assert.deepEqual(await servicePorts(namespace, "sonarr"), ["http:8989"]);
  const off = await waitForCondition(
    namespace,
    "watched",
    "Ready",
    (condition) => condition.status === "True",
    "Ready=True with monitoring off",
  );
  assert.equal(conditionOf(off, "ServiceMonitorReady"), undefined, "the condition goes with monitoring");
});
