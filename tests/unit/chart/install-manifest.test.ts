// Keeps dist/install.yaml in step with the chart: it must be exactly what `npm run gen:install`
// renders now with the real helm, and hold the namespace plus everything the chart installs.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import {
  installManifestPath,
  installNamespace,
  renderInstallManifest,
} from "../../../tools/install-manifest.js";
import { parseObjects } from "../../support/helm.js";

test("dist/install.yaml is current (npm run gen:install)", () => {
  assert.ok(existsSync(installManifestPath), "dist/install.yaml is missing: run npm run gen:install");
  assert.equal(
    readFileSync(installManifestPath, "utf8"),
    renderInstallManifest(),
    "dist/install.yaml is stale: run npm run gen:install",
  );
});

test("dist/install.yaml creates its namespace first and puts every namespaced object in it", () => {
  const objects = parseObjects(readFileSync(installManifestPath, "utf8"));
  assert.equal(objects[0]?.kind, "Namespace");
  assert.equal(objects[0]?.metadata.name, installNamespace);
  const kinds = objects.map((object) => object.kind);
  for (const kind of [
    "CustomResourceDefinition",
    "ServiceAccount",
    "ClusterRole",
    "Role",
    "Deployment",
    "Service",
  ]) {
    assert.ok(kinds.includes(kind), `has a ${kind}`);
  }
  const clusterScoped = new Set([
    "Namespace",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
  ]);
  for (const object of objects.filter((o) => !clusterScoped.has(o.kind))) {
    assert.equal(object.metadata.namespace, installNamespace, `${object.kind} ${object.metadata.name}`);
  }
});
