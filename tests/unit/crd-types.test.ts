// Proves operator/generated/ matches crds/: a schema edit without `npm run gen:types`
// fails here instead of drifting silently from the controllers' types.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { generateAll, generatedDir, schemaToType } from "../../tools/crd-types.js";

test("generated CRD types are up to date with crds/", () => {
  const generated = generateAll();
  for (const [file, source] of generated) {
    const path = join(generatedDir, file);
    assert.ok(existsSync(path), `${path} is missing: run npm run gen:types`);
    assert.equal(readFileSync(path, "utf8"), source, `${path} is stale: run npm run gen:types`);
  }
});

test("schemaToType maps Kubernetes schema idioms", () => {
  assert.equal(schemaToType({ type: "string", enum: ["a", "b"] }), '"a" | "b"');
  assert.equal(schemaToType({ "x-kubernetes-int-or-string": true }), "number | string");
  assert.equal(
    schemaToType({ type: "object", additionalProperties: { type: "string" } }),
    "Record<string, string>",
  );
  assert.equal(
    schemaToType({
      type: "object",
      required: ["a"],
      properties: { a: { type: "integer" }, "b-c": { type: "array", items: { type: "boolean" } } },
    }),
    '{\n  a: number;\n  "b-c"?: Array<boolean>;\n}',
  );
});
