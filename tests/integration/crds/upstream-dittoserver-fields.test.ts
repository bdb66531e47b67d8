// The upstream DittoFS operator's newer DittoServer fields (controlPlane, identity, adapterServices,
// metrics.serviceMonitor) on the real API server: what means the same for mediaplane is accepted, the
// rest is refused with a message naming what to use instead, never "unknown field".
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestNamespace } from "../support/cluster.js";
import { createAll, kubectlOk } from "./kubectl-session.js";

function server(name: string, fields: Record<string, unknown>) {
  return {
    apiVersion: "dittofs.dittofs.com/v1alpha1",
    kind: "DittoServer",
    metadata: { name },
    spec: { storage: { metadataSize: "1Gi", contentSize: "5Gi" }, ...fields },
  };
}

test("upstream's controlPlane, identity and serviceMonitor fields apply where they match what mediaplane runs", async (t) => {
  const namespace = await createTestNamespace(t, { waitForDefaultServiceAccount: false });
  const upstreamShaped = server("upstream", {
    controlPlane: { port: 8080, tls: false },
    identity: { type: "memory", admin: { username: "admin" } },
    metrics: {
      enabled: true,
      port: 9090,
      serviceMonitor: { enabled: false, interval: "30s", labels: { release: "prom" } },
    },
    service: { type: "ClusterIP" },
  });
  const monitored = server("monitored", {
    metrics: {
      enabled: true,
      serviceMonitor: { enabled: true, interval: "30s", labels: { release: "prom" } },
    },
  });
  const refusals = await createAll(namespace, [upstreamShaped, monitored]);
  assert.deepEqual([...refusals.entries()], []);
  const stored = JSON.parse(
    await kubectlOk(["get", "dittoserver", "upstream", "-n", namespace, "-o", "json"]),
  ) as {
    spec: { controlPlane?: unknown; identity?: unknown; metrics?: { serviceMonitor?: unknown } };
  };
  // Kept, not pruned: a later apply of the same manifest shows no drift.
  assert.deepEqual(stored.spec.controlPlane, { port: 8080, tls: false });
  assert.deepEqual(stored.spec.identity, { type: "memory", admin: { username: "admin" } });
  assert.deepEqual(stored.spec.metrics?.serviceMonitor, {
    enabled: false,
    interval: "30s",
    labels: { release: "prom" },
  });
});

test("upstream fields mediaplane cannot honour are refused with the mediaplane way to get the same", async (t) => {
  const namespace = await createTestNamespace(t, { waitForDefaultServiceAccount: false });
  const cases = [
    {
      object: server("api-port", { controlPlane: { port: 9000 } }),
      expected: "spec.controlPlane.port: Invalid value: controlPlane.port must be 8080",
    },
    {
      object: server("api-tls", { controlPlane: { port: 8080, tls: true, certSecretName: "api-tls" } }),
      expected:
        "controlPlane TLS (tls, certSecretName, clientCASecretName) is not supported by mediaplane yet",
    },
    {
      object: server("admin-secret", {
        identity: {
          admin: { username: "admin", passwordSecretRef: { name: "dittofs-admin", key: "password" } },
        },
      }),
      expected: "the first admin password is key admin-password of Secret <name>-controlplane",
    },
    {
      object: server("admin-name", { identity: { admin: { username: "root" } } }),
      expected: "identity.admin.username must be admin",
    },
    {
      object: server("jwt", { identity: { jwt: { secretRef: { name: "dittofs-jwt", key: "secret" } } } }),
      expected: "the REST API's JWT signing key is key jwt-secret of Secret <name>-controlplane",
    },
    {
      object: server("adapter-services", {
        adapterServices: { type: "LoadBalancer", annotations: { a: "b" } },
      }),
      expected: "set its type and annotations in spec.service.type and spec.service.annotations instead",
    },
    {
      object: server("service-monitor", { metrics: { enabled: false, serviceMonitor: { enabled: true } } }),
      expected: "metrics.serviceMonitor.enabled needs metrics.enabled",
    },
  ];
  const refusals = await createAll(
    namespace,
    cases.map((c) => c.object),
  );
  for (const { object, expected } of cases) {
    const refusal = refusals.get(object.metadata.name);
    assert.ok(refusal !== undefined, `${object.metadata.name} was accepted`);
    assert.ok(refusal.includes(expected), `${object.metadata.name}: expected "${expected}" in\n${refusal}`);
    assert.doesNotMatch(refusal, /unknown field/, object.metadata.name);
  }
});
