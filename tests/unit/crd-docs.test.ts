// docs/crds.md is generated from crds/: this fails when a schema changed without `npm run gen:docs`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { crdDocsPath, renderCrdDocs } from "../../tools/crd-docs.js";

test("docs/crds.md is up to date with crds/", () => {
  assert.equal(readFileSync(crdDocsPath, "utf8"), renderCrdDocs(), "run npm run gen:docs");
});

test("the reference names every kind and documents required fields", () => {
  const docs = renderCrdDocs();
  for (const kind of ["Torrent", "MediaStack", "DittoServer"])
    assert.match(docs, new RegExp(`## ${kind} \\(`));
  assert.match(docs, /\| `spec.magnet_uri` \| string \(required\) \|/);
});
