// Golden files of whole stacks, one YAML per scenario (tests/golden/mediastack/), as client-node sends
// them: the seed 002 stack, an existing claim with an ingress, all apps, a DittoServer, the minimal one.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertMatchesGolden } from "../../support/golden.js";
import { renderNetworkPolicy } from "../../../operator/controllers/mediastack/render/network-policy.js";
import type { MediaStackRenderInputs } from "../../../operator/controllers/mediastack/render/index.js";
import type { MediaStack } from "../../../operator/generated/mediastack.js";
import { allObjects, loadSample, renderWithDefaults, stackWith, testApiKeys } from "./fixtures.js";
import { fieldsUnknownToClientNode, toWireFormat } from "./wire-format.js";

function assertStackGolden(scenario: string, stack: MediaStack, inputs: MediaStackRenderInputs = {}): void {
  const objects = allObjects(renderWithDefaults(stack, inputs));
  assert.deepEqual(objects.flatMap(fieldsUnknownToClientNode), [], "fields no Kubernetes model knows");
  assertMatchesGolden(`mediastack/${scenario}`, objects.map(toWireFormat));
}

test("seed 002: the five apps on NFS behind a Gateway, with the NetworkPolicy", () => {
  assertStackGolden("seed-002-nfs-gateway", loadSample("seed-002-nfs-gateway.yaml"));
});

test("an existing claim and Traefik Ingresses instead of a volume and HTTPRoutes", () => {
  assertStackGolden("existing-claim-ingress", loadSample("existing-claim-ingress.yaml"));
});

test("every app of the catalog on, with per-app overrides", () => {
  assertStackGolden("optional-apps", loadSample("optional-apps.yaml"));
});

test("the minimal stack: NFS, no routes, no NetworkPolicy, every default from the catalog", () => {
  assertStackGolden("minimal", loadSample("minimal.yaml"));
});

test("spec.monitoring: exporter sidecars, monitoring Service ports and the stack's ServiceMonitor", () => {
  assertStackGolden("monitoring", loadSample("monitoring.yaml"), {
    apiKeys: { ...testApiKeys, bazarr: "0f1e2d3c4b5a69788796a5b4c3d2e1f0" },
  });
});

test("a DittoServer's file Service as /data, by ClusterIP", () => {
  const stack = stackWith({
    storage: { data: { dittoServerRef: { name: "library" }, reclaimPolicy: "Delete" } },
    apps: { jellyfin: { enabled: false } },
  });
  assertStackGolden("ditto-server", stack, {
    dittoServerNfs: { clusterIP: "10.96.14.7", port: 2049, path: "/export" },
  });
});

test("the NetworkPolicy with custom gateway and monitoring namespaces", () => {
  const stack = stackWith({
    storage: { data: { existingClaim: "library" } },
    networkPolicy: {
      enabled: true,
      gatewayNamespace: "envoy-gateway-system",
      monitoringNamespace: "observability",
    },
  });
  const policy = renderNetworkPolicy(stack);
  assert.deepEqual(fieldsUnknownToClientNode(policy), []);
  assertMatchesGolden("mediastack/network-policy-custom-namespaces", [toWireFormat(policy)]);
});

test("the field check catches a misspelled field and knows NetworkPolicy's `from`", () => {
  const stack = stackWith({ storage: { data: { existingClaim: "library" } } });
  const policy = renderNetworkPolicy(stack);
  assert.deepEqual(fieldsUnknownToClientNode(policy), []);
  const typo = { ...policy, spec: { ...policy.spec, podSelectr: {} } };
  assert.deepEqual(fieldsUnknownToClientNode(typo), ["NetworkPolicy/arr.spec.podSelectr"]);
});
