// The validation rules every CRD in crds/ shares: one quantity rule (positive for sizes and requests,
// zero or more for limits), readable CEL messages instead of bare name and host-name regexes, and a
// Reason column on every kind. The real API server enforces them in tests/integration/crds/.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

interface Rule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
}

interface Schema {
  pattern?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-validations"?: Rule[];
}

interface Crd {
  spec: {
    names: { kind: string };
    versions: Array<{
      additionalPrinterColumns?: Array<{ name: string; jsonPath: string; priority?: number }>;
      schema: { openAPIV3Schema: Schema };
    }>;
  };
}

const crdDir = fileURLToPath(new URL("../../crds/", import.meta.url));
const crds = readdirSync(crdDir)
  .filter((file) => file.endsWith(".yaml"))
  .map((file) => parse(readFileSync(join(crdDir, file), "utf8")) as Crd);

/** The one quantity rule of every CRD, in its two strengths. */
export const quantityRules = {
  positive: "isQuantity(string(self)) && quantity(string(self)).isGreaterThan(quantity('0'))",
  zeroOrMore: "isQuantity(string(self)) && !quantity(string(self)).isLessThan(quantity('0'))",
} as const;

/** Every schema node under `schema`, with its dotted path. */
function* nodes(schema: Schema, path: string): Generator<[string, Schema]> {
  yield [path, schema];
  for (const [key, child] of Object.entries(schema.properties ?? {})) yield* nodes(child, `${path}.${key}`);
  if (schema.items) yield* nodes(schema.items, `${path}[]`);
  if (typeof schema.additionalProperties === "object") yield* nodes(schema.additionalProperties, `${path}{}`);
}

function specNodes(crd: Crd): Array<[string, Schema]> {
  const [version] = crd.spec.versions;
  assert.ok(version);
  const spec = version.schema.openAPIV3Schema.properties?.spec;
  assert.ok(spec, `${crd.spec.names.kind} has a spec`);
  return [...nodes(spec, `${crd.spec.names.kind}.spec`)];
}

test("there are three CRDs, and MediaStack and DittoServer have quantities", () => {
  assert.deepEqual(crds.map((crd) => crd.spec.names.kind).sort(), ["DittoServer", "MediaStack", "Torrent"]);
  const withQuantities = crds.filter((crd) =>
    specNodes(crd).some(([, node]) => node["x-kubernetes-int-or-string"] === true),
  );
  assert.deepEqual(withQuantities.map((crd) => crd.spec.names.kind).sort(), ["DittoServer", "MediaStack"]);
});

test("every quantity carries the one quantity rule: zero or more for limits, positive everywhere else", () => {
  const seen: string[] = [];
  for (const crd of crds) {
    for (const [path, node] of specNodes(crd)) {
      if (node["x-kubernetes-int-or-string"] !== true) continue;
      seen.push(path);
      assert.equal(node.pattern, undefined, `${path}: a pattern would quote a regex at the user`);
      const expected = path.endsWith(".limits{}") ? quantityRules.zeroOrMore : quantityRules.positive;
      const rules = node["x-kubernetes-validations"] ?? [];
      assert.equal(rules.length, 1, `${path}: one rule`);
      assert.equal(rules[0]?.rule, expected, path);
      assert.match(rules[0]?.message ?? "", /^must be a (positive )?quantity/, path);
      assert.match(
        rules[0]?.message ?? "",
        path.endsWith(".limits{}") ? /negative values are refused/ : /negative values and zero are refused/,
        path,
      );
    }
  }
  for (const expected of [
    "MediaStack.spec.storage.data.nfs.capacity",
    "MediaStack.spec.storage.config.size",
    "MediaStack.spec.apps.sonarr.configSize",
    "MediaStack.spec.apps.sonarr.resources.requests{}",
    "MediaStack.spec.apps.sonarr.resources.limits{}",
    "DittoServer.spec.storage.metadataSize",
    "DittoServer.spec.storage.cacheSize",
    "DittoServer.spec.storage.contentSize",
    "DittoServer.spec.percona.storageSize",
    "DittoServer.spec.resources.requests{}",
    "DittoServer.spec.resources.limits{}",
  ]) {
    assert.ok(seen.includes(expected), `${expected} is a checked quantity`);
  }
});

test("names and host names are checked by CEL rules with a message, never by a bare regex", () => {
  const dnsRegexes = [
    String.raw`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`,
    String.raw`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`,
    String.raw`^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`,
  ];
  for (const crd of crds) {
    for (const [path, node] of specNodes(crd)) {
      assert.ok(!dnsRegexes.includes(node.pattern ?? ""), `${path} still quotes a DNS regex`);
      for (const rule of node["x-kubernetes-validations"] ?? []) {
        assert.ok(
          (rule.message ?? rule.messageExpression ?? "") !== "",
          `${path}: ${rule.rule} has no message`,
        );
      }
    }
  }
});

test("rules on metadata.name name the field, so errors do not start with <nil>", () => {
  for (const crd of crds) {
    const root = crd.spec.versions[0]?.schema.openAPIV3Schema;
    for (const rule of root?.["x-kubernetes-validations"] ?? []) {
      if (rule.rule.includes("self.metadata.name")) {
        assert.equal(rule.fieldPath, ".metadata.name", `${crd.spec.names.kind}: ${rule.rule}`);
      }
    }
  }
});

test("every kind shows Ready and its reason in kubectl get; DittoServer's Ready is the condition", () => {
  for (const crd of crds) {
    const columns = crd.spec.versions[0]?.additionalPrinterColumns ?? [];
    const column = (name: string) => columns.find((c) => c.name === name);
    const kind = crd.spec.names.kind;
    assert.equal(column("Ready")?.jsonPath, '.status.conditions[?(@.type=="Ready")].status', kind);
    assert.equal(column("Reason")?.jsonPath, '.status.conditions[?(@.type=="Ready")].reason', kind);
    assert.equal(column("Reason")?.priority ?? 0, 0, `${kind}: Reason shows without -o wide`);
  }
});
