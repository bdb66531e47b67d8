// Every name one DittoServer produces, listed in one place (names.ts) and checked here.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  commonLabels,
  dittoServerNames,
  selectorLabels,
} from "../../../operator/controllers/dittoserver/names.js";
import { renderDittoServer } from "../../../operator/controllers/dittoserver/render/index.js";
import { dittoServer, fixedInputs, goldenScenarios, secretVersionsFor } from "./fixtures.js";

test("a DittoServer's names follow the upstream operator's conventions", () => {
  const server = dittoServer("nas", { storage: { metadataSize: "1Gi" } });
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(dittoServerNames).map(([key, name]) => [key, name(server, "metadata")]),
    ),
    {
      configMap: "nas-config",
      statefulSet: "nas",
      headlessService: "nas-headless",
      fileService: "nas-file",
      apiService: "nas-api",
      metricsService: "nas-metrics",
      serviceMonitor: "nas",
      controlPlaneSecret: "nas-controlplane",
      perconaCluster: "nas-postgres",
      perconaUserSecret: "nas-postgres-pguser-dittofs",
      persistentVolumeClaim: "metadata-nas-0",
    },
  );
});

test("every rendered object carries the common labels and is named by names.ts", () => {
  const known = new Set<string>();
  for (const server of Object.values(goldenScenarios())) {
    for (const name of Object.values(dittoServerNames)) known.add(name(server, "metadata"));
    const { children } = renderDittoServer(server, fixedInputs(secretVersionsFor(server)));
    for (const { object } of children) {
      assert.ok(
        known.has(object.metadata?.name ?? ""),
        `${object.kind} ${object.metadata?.name} is not in names.ts`,
      );
      const component = object.metadata?.labels?.["app.kubernetes.io/component"] ?? "";
      // A ServiceMonitor also carries the labels the user's Prometheus selects it by.
      const userLabels = object.kind === "ServiceMonitor" ? server.spec.metrics?.serviceMonitor?.labels : {};
      assert.deepEqual(object.metadata?.labels, {
        ...userLabels,
        ...commonLabels(server, component as "server"),
      });
      assert.equal(object.metadata?.namespace, "media");
      assert.equal(object.metadata?.ownerReferences, undefined, "the framework adds owner references");
    }
  }
});

test("selector labels are the stable subset of the common labels", () => {
  const server = dittoServer("nas", { storage: { metadataSize: "1Gi" } });
  assert.deepEqual(selectorLabels(server), {
    "app.kubernetes.io/name": "dittofs",
    "app.kubernetes.io/instance": "nas",
  });
  assert.equal(commonLabels(server, "api")["app.kubernetes.io/managed-by"], "mediaplane");
});
