// The MediaStack CRD: kubectl UX (printer columns, short name, category), a description on every
// field, defaults and app keys in step with the catalog, the CEL rules present, and samples that fit.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { appCatalog, appNames, stackDefaults } from "../../../operator/controllers/mediastack/catalog.js";
import { repoRoot } from "./fixtures.js";

interface Schema {
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  maxLength?: number;
  default?: unknown;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-validations"?: Array<{ rule: string; message: string }>;
}

interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; shortNames?: string[]; categories?: string[] };
    versions: Array<{
      name: string;
      subresources?: { status?: object };
      additionalPrinterColumns?: Array<{ name: string; jsonPath: string; type: string }>;
      schema: { openAPIV3Schema: Schema };
    }>;
  };
}

const crd = parse(readFileSync(join(repoRoot, "crds", "mediastack.yaml"), "utf8")) as Crd;
const [version] = crd.spec.versions;
assert.ok(version);
const root = version.schema.openAPIV3Schema;
const spec = root.properties?.spec as Schema;
const at = (schema: Schema, ...path: string[]): Schema =>
  path.reduce((node, key) => {
    const next = node.properties?.[key];
    assert.ok(next, `no ${path.join(".")}`);
    return next;
  }, schema);

test("group, version, scope, short name, category and status subresource", () => {
  assert.equal(crd.metadata.name, "mediastacks.mediaplane.io");
  assert.equal(crd.spec.group, "mediaplane.io");
  assert.equal(version.name, "v1alpha1");
  assert.equal(crd.spec.scope, "Namespaced");
  assert.equal(crd.spec.names.kind, "MediaStack");
  assert.ok(crd.spec.names.shortNames?.includes("mstack"));
  assert.deepEqual(crd.spec.names.categories, ["mediaplane"]);
  assert.deepEqual(version.subresources?.status, {});
});

test("printer columns: Ready (the condition), Apps (appsSummary), Wired (the condition), Age", () => {
  const columns = Object.fromEntries((version.additionalPrinterColumns ?? []).map((c) => [c.name, c]));
  assert.equal(columns.Wired?.jsonPath, '.status.conditions[?(@.type=="Wired")].status');
  assert.equal(columns.Ready?.jsonPath, '.status.conditions[?(@.type=="Ready")].status');
  assert.equal(columns.Apps?.jsonPath, ".status.appsSummary");
  assert.equal(columns.Age?.jsonPath, ".metadata.creationTimestamp");
  assert.equal(columns.Age?.type, "date");
});

test("every field has a description", () => {
  const missing: string[] = [];
  const walk = (schema: Schema, path: string): void => {
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (path !== "" || !["apiVersion", "kind", "metadata"].includes(key)) {
        if (!child.description) missing.push(`${path}.${key}`);
      }
      walk(child, `${path}.${key}`);
    }
    if (schema.items) walk(schema.items, `${path}[]`);
    if (typeof schema.additionalProperties === "object") walk(schema.additionalProperties, `${path}{}`);
  };
  walk(root, "");
  assert.deepEqual(missing, []);
});

test("the apps are the catalog's, enabled by default exactly as the catalog says", () => {
  const apps = at(spec, "apps");
  assert.deepEqual(Object.keys(apps.properties ?? {}), [...appNames]);
  assert.deepEqual(apps.default, {});
  for (const app of appNames) {
    assert.deepEqual(at(apps, app).default, {}, app);
    assert.equal(at(apps, app, "enabled").default, appCatalog[app].enabledByDefault, app);
    assert.ok(at(apps, app, "tag").description?.includes(appCatalog[app].tag), `${app}: tag description`);
  }
  const shapes = appNames.map((app) => JSON.stringify(Object.keys(at(apps, app).properties ?? {})));
  assert.equal(new Set(shapes).size, 1, "every app has the same fields");
});

test("the CRD's defaults are the catalog's stackDefaults", () => {
  assert.equal(at(spec, "timezone").default, stackDefaults.timezone);
  assert.equal(at(spec, "puid").default, stackDefaults.puid);
  assert.equal(at(spec, "pgid").default, stackDefaults.pgid);
  assert.equal(at(spec, "imagePullPolicy").default, stackDefaults.imagePullPolicy);
  assert.deepEqual(at(spec, "storage", "data", "nfs", "mountOptions").default, [
    ...stackDefaults.nfsMountOptions,
  ]);
  assert.equal(at(spec, "storage", "data", "nfs", "capacity").default, stackDefaults.nfsCapacity);
  // No default path: without share or path the stack mounts the DittoServer's first share.
  assert.equal(at(spec, "storage", "data", "dittoServerRef", "path").default, undefined);
  assert.equal(at(spec, "storage", "data", "reclaimPolicy").default, stackDefaults.reclaimPolicy);
  assert.deepEqual(at(spec, "storage", "data", "reclaimPolicy").enum, ["Retain", "Delete"]);
  assert.equal(at(spec, "gateway", "scheme").default, stackDefaults.gatewayScheme);
  assert.equal(
    at(spec, "networkPolicy", "gatewayNamespace").default,
    stackDefaults.networkPolicyGatewayNamespace,
  );
  assert.equal(
    at(spec, "networkPolicy", "monitoringNamespace").default,
    stackDefaults.networkPolicyMonitoringNamespace,
  );
  assert.equal(at(spec, "storage", "config", "size").default, undefined, "no CRD default: Jellyfin's is 5Gi");
});

test("the CEL rules: one storage source, gateway xor ingress, unique host names, one app at least", () => {
  const messages = [
    ...(spec["x-kubernetes-validations"] ?? []),
    ...(at(spec, "storage", "data")["x-kubernetes-validations"] ?? []),
  ].map((rule) => rule.message);
  for (const expected of [
    "set exactly one of nfs, existingClaim or dittoServerRef",
    "set gateway or ingress, not both",
    "at least one app must be enabled",
  ]) {
    assert.ok(messages.includes(expected), expected);
  }
  assert.ok(messages.some((message) => message.startsWith("the host names of enabled apps must be unique")));
  const hostnames = (spec["x-kubernetes-validations"] ?? []).find((rule) =>
    rule.message.includes("host names"),
  );
  for (const app of appNames) assert.ok(hostnames?.rule.includes(`self.apps.${app}.hostname`), app);
});

test("status: conditions as a list map keyed by type, apps keyed by name, the qbittorrent endpoint", () => {
  const status = root.properties?.status as Schema & Record<string, unknown>;
  const conditions = at(status, "conditions") as Schema & Record<string, unknown>;
  assert.equal(conditions["x-kubernetes-list-type"], "map");
  assert.deepEqual(conditions["x-kubernetes-list-map-keys"], ["type"]);
  assert.deepEqual(conditions.items?.required, ["type", "status", "lastTransitionTime", "reason", "message"]);
  const apps = at(status, "apps") as Schema & Record<string, unknown>;
  assert.deepEqual(apps["x-kubernetes-list-map-keys"], ["name"]);
  assert.ok(at(status, "qbittorrent", "url") && at(status, "qbittorrent", "credentialsSecret"));
  assert.ok(at(status, "storage", "persistentVolumeName") && at(status, "storage", "claimName"));
});

/** A structural check of a sample against the schema: unknown fields, types, enums, patterns, required. */
function conforms(value: unknown, schema: Schema, path: string, problems: string[]): void {
  if (schema["x-kubernetes-preserve-unknown-fields"]) return;
  if (schema["x-kubernetes-int-or-string"]) {
    if (typeof value !== "string" && typeof value !== "number") problems.push(`${path}: not int-or-string`);
  } else if (schema.type === "object") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push(`${path}: not an object`);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) problems.push(`${path}.${key}: required`);
    for (const [key, child] of Object.entries(record)) {
      const childSchema =
        schema.properties?.[key] ??
        (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
      if (!childSchema) problems.push(`${path}.${key}: unknown field`);
      else conforms(child, childSchema, `${path}.${key}`, problems);
    }
  } else if (schema.type === "array") {
    if (!Array.isArray(value)) problems.push(`${path}: not an array`);
    else
      value.forEach(
        (item, index) => schema.items && conforms(item, schema.items, `${path}[${index}]`, problems),
      );
  } else if (schema.type === "string") {
    if (typeof value !== "string") problems.push(`${path}: not a string`);
    else if (schema.pattern && !new RegExp(schema.pattern).test(value))
      problems.push(`${path}: does not match`);
  } else if (schema.type === "integer" && !Number.isInteger(value)) problems.push(`${path}: not an integer`);
  else if (schema.type === "boolean" && typeof value !== "boolean") problems.push(`${path}: not a boolean`);
  if (schema.enum && !schema.enum.includes(value))
    problems.push(`${path}: not one of ${schema.enum.join(", ")}`);
}

test("every sample is a MediaStack with the required fields that fits the schema", () => {
  const dir = join(repoRoot, "samples", "mediastack");
  const files = readdirSync(dir).filter((file) => file.endsWith(".yaml"));
  assert.ok(files.includes("seed-002-nfs-gateway.yaml") && files.includes("existing-claim-ingress.yaml"));
  for (const file of files) {
    const sample = parse(readFileSync(join(dir, file), "utf8")) as Record<string, unknown> & {
      metadata?: { name?: string; namespace?: string };
    };
    assert.equal(sample.apiVersion, "mediaplane.io/v1alpha1", file);
    assert.equal(sample.kind, "MediaStack", file);
    assert.ok(sample.metadata?.name && sample.metadata.namespace, `${file}: name and namespace`);
    const problems: string[] = [];
    conforms(sample.spec, spec, "spec", problems);
    assert.deepEqual(problems, [], file);
  }
});

test("the sample check itself refuses unknown fields, bad enums and patterns", () => {
  const problems: string[] = [];
  conforms(
    {
      storage: { data: { nfs: { server: "s", path: "relative" }, reclaimPolicy: "Recycle" } },
      colour: "blue",
    },
    spec,
    "spec",
    problems,
  );
  assert.deepEqual(problems.sort(), [
    "spec.colour: unknown field",
    "spec.storage.data.nfs.path: does not match",
    "spec.storage.data.reclaimPolicy: not one of Retain, Delete",
  ]);
});
