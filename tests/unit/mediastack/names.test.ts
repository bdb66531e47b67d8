// Names: the PersistentVolume's is deterministic and unique across namespaces, and every object any
// scenario renders (or keeps) is one that names.ts lists for its stack.
import assert from "node:assert/strict";
import { test } from "node:test";
import { allStackObjectNames, dataVolumeName } from "../../../operator/controllers/mediastack/names.js";
import { allObjects, loadSample, renderWithDefaults, stackWith } from "./fixtures.js";

test("the PersistentVolume name is deterministic", () => {
  assert.equal(dataVolumeName("media", "arr"), "mediaplane-media.arr-data");
  assert.equal(dataVolumeName("media", "arr"), dataVolumeName("media", "arr"));
});

test("the PersistentVolume name is unique across namespaces, hyphens included", () => {
  const pairs: Array<[string, string]> = [
    ["a-b", "c"],
    ["a", "b-c"],
    ["media", "arr"],
    ["arr", "media"],
    ["media-arr", "data"],
    ["media", "arr-data"],
  ];
  const names = pairs.map(([namespace, stack]) => dataVolumeName(namespace, stack));
  assert.equal(new Set(names).size, pairs.length, names.join(", "));
});

test("an over-long PersistentVolume name is cut to 253 characters with a distinguishing hash", () => {
  const namespace = "n".repeat(63);
  const first = dataVolumeName(namespace, "s".repeat(200));
  const second = dataVolumeName(namespace, `${"s".repeat(199)}t`);
  assert.ok(first.length <= 253 && second.length <= 253);
  assert.notEqual(first, second);
  assert.match(first, /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
  assert.equal(first, dataVolumeName(namespace, "s".repeat(200)));
});

test("every object a stack renders or keeps is listed by names.ts", () => {
  const scenarios = [
    loadSample("seed-002-nfs-gateway.yaml"),
    loadSample("existing-claim-ingress.yaml"),
    loadSample("optional-apps.yaml"),
    loadSample("minimal.yaml"),
    stackWith({ storage: { data: { dittoServerRef: { name: "library" } } } }),
  ];
  for (const stack of scenarios) {
    const { name = "", namespace = "" } = stack.metadata;
    const listed = new Set(
      allStackObjectNames(namespace, name).map(
        (entry) => `${entry.kind}/${entry.namespace ?? ""}/${entry.name}`,
      ),
    );
    const render = renderWithDefaults(stack, {
      dittoServerNfs: { clusterIP: "10.96.0.9", port: 2049, path: "/export" },
    });
    const produced = [
      ...allObjects(render).map((o) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`),
      ...render.keep.map((ref) => `${ref.kind}/${namespace}/${ref.name}`),
    ];
    for (const key of produced)
      assert.ok(listed.has(key), `${name}: ${key} is not listed by allStackObjectNames`);
  }
});

test("two stacks of the same name in two namespaces share no cluster-scoped name", () => {
  const clusterScoped = (namespace: string): string[] =>
    allStackObjectNames(namespace, "arr")
      .filter((entry) => entry.namespace === undefined)
      .map((entry) => entry.name);
  const first = clusterScoped("media");
  const second = clusterScoped("media2");
  assert.deepEqual(
    first.filter((name) => second.includes(name)),
    [],
  );
});
