// Proves the chart installs exactly the CRDs of crds/: the generated templates are current, and
// what helm renders equals crds/ once the chart's labels and keep annotation are taken off.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { chartCrdDir, chartLabelKeys, crdSourceDir, generateChartCrds } from "../../../tools/chart-crds.js";
import { parseObjects, renderChartObjects, type RenderedObject } from "../../support/helm.js";

const crdsOf = (objects: RenderedObject[]): RenderedObject[] =>
  objects.filter((object) => object.kind === "CustomResourceDefinition");

/** The CRD without what the chart adds: its labels and the resource-policy annotation. */
function withoutChartWrapping(crd: RenderedObject): RenderedObject {
  const metadata = structuredClone(crd.metadata);
  for (const key of chartLabelKeys) delete metadata.labels?.[key];
  if (metadata.labels !== undefined && Object.keys(metadata.labels).length === 0) delete metadata.labels;
  delete metadata.annotations?.["helm.sh/resource-policy"];
  if (metadata.annotations !== undefined && Object.keys(metadata.annotations).length === 0) {
    delete metadata.annotations;
  }
  return { ...crd, metadata };
}

function sourceCrds(): Map<string, RenderedObject> {
  const files = readdirSync(crdSourceDir).filter((file) => file.endsWith(".yaml"));
  const crds = files.flatMap((file) => parseObjects(readFileSync(join(crdSourceDir, file), "utf8")));
  return new Map(crds.map((crd) => [crd.metadata.name, crd]));
}

test("the chart's CRD templates are generated from crds/ (npm run gen:chart)", () => {
  const generated = generateChartCrds();
  assert.ok(generated.size >= 3, "expected the three CRDs");
  for (const [file, text] of generated) {
    const path = join(chartCrdDir, file);
    assert.ok(existsSync(path), `${path} is missing: run npm run gen:chart`);
    assert.equal(readFileSync(path, "utf8"), text, `${path} is stale: run npm run gen:chart`);
  }
  const extra = readdirSync(chartCrdDir).filter((file) => !generated.has(file));
  assert.deepEqual(extra, [], "templates/crds has files crds/ does not: run npm run gen:chart");
});

test("the CRDs helm renders equal crds/ apart from the chart's labels and annotation", () => {
  const expected = sourceCrds();
  const rendered = crdsOf(renderChartObjects());
  assert.deepEqual(rendered.map((crd) => crd.metadata.name).sort(), [...expected.keys()].sort());
  for (const crd of rendered) {
    assert.deepEqual(withoutChartWrapping(crd), expected.get(crd.metadata.name), crd.metadata.name);
    assert.equal(crd.metadata.labels?.["app.kubernetes.io/managed-by"], "Helm");
  }
});

test("crds.keep (default) annotates every CRD with helm.sh/resource-policy: keep", () => {
  for (const crd of crdsOf(renderChartObjects())) {
    assert.equal(crd.metadata.annotations?.["helm.sh/resource-policy"], "keep", crd.metadata.name);
  }
  for (const crd of crdsOf(renderChartObjects(["crds.keep=false"]))) {
    assert.equal(crd.metadata.annotations?.["helm.sh/resource-policy"], undefined, crd.metadata.name);
  }
});

test("crds.enabled=false renders no CRD and leaves the operator in place", () => {
  const objects = renderChartObjects(["crds.enabled=false"]);
  assert.deepEqual(crdsOf(objects), []);
  assert.ok(objects.some((object) => object.kind === "Deployment"));
});
