// The DittoServer CRD as kubectl users meet it: printer columns, short names, category, described
// fields, defaults that match the renderers', CEL rules in place, and every sample valid.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { SPEC_DEFAULTS } from "../../../operator/controllers/dittoserver/settings.js";
import { DEFAULT_DITTOFS_IMAGE } from "../../../operator/controllers/dittoserver/versions.js";
import type { CrdSchema } from "./openapi-check.js";
import { schemaViolations } from "./openapi-check.js";
import { repoRoot, sampleDocuments, samplesDir } from "./fixtures.js";

interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; shortNames: string[]; categories: string[] };
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status?: object };
      additionalPrinterColumns: Array<{ name: string; type: string; jsonPath: string; priority?: number }>;
      schema: { openAPIV3Schema: CrdSchema };
    }>;
  };
}

const crd = parse(readFileSync(join(repoRoot, "crds", "dittoserver.yaml"), "utf8")) as Crd;
const version = crd.spec.versions[0];
const root = version.schema.openAPIV3Schema;
const spec = root.properties!.spec;
const property = (path: string): CrdSchema =>
  path.split(".").reduce<CrdSchema>((schema, name) => schema.properties![name], spec);

test("the CRD is dittoservers.dittofs.dittofs.com v1alpha1, namespaced, with a status subresource", () => {
  assert.equal(crd.metadata.name, "dittoservers.dittofs.dittofs.com");
  assert.equal(crd.spec.group, "dittofs.dittofs.com");
  assert.equal(crd.spec.scope, "Namespaced");
  assert.equal(crd.spec.names.kind, "DittoServer");
  assert.deepEqual([version.name, version.served, version.storage], ["v1alpha1", true, true]);
  assert.deepEqual(version.subresources?.status, {});
});

test("kubectl get shows replicas, the Ready condition and its reason, phase and age; -o wide adds ready pods and NFS", () => {
  const columns = version.additionalPrinterColumns.map(({ name, jsonPath, priority }) => [
    name,
    jsonPath,
    priority ?? 0,
  ]);
  assert.deepEqual(columns, [
    ["Replicas", ".spec.replicas", 0],
    ["Ready", '.status.conditions[?(@.type=="Ready")].status', 0],
    ["Reason", '.status.conditions[?(@.type=="Ready")].reason', 0],
    ["Status", ".status.phase", 0],
    ["Ready Pods", ".status.readyReplicas", 1],
    ["NFS", ".status.nfsEndpoint", 1],
    ["Age", ".metadata.creationTimestamp", 0],
  ]);
  assert.deepEqual(crd.spec.names.shortNames, ["ditto", "dittofs"]);
  assert.deepEqual(crd.spec.names.categories, ["mediaplane"]);
});

test("every spec and status field has a description (kubectl explain, generated doc comments)", () => {
  const undescribed: string[] = [];
  const walk = (schema: CrdSchema, path: string): void => {
    if (!schema.description) undescribed.push(path);
    for (const [name, child] of Object.entries(schema.properties ?? {})) walk(child, `${path}.${name}`);
    if (schema.items) walk(schema.items, `${path}[]`);
    if (typeof schema.additionalProperties === "object" && schema.additionalProperties.properties) {
      walk(schema.additionalProperties, `${path}{}`);
    }
  };
  walk(spec, "spec");
  walk(root.properties!.status, "status");
  assert.deepEqual(undescribed, []);
});

test("the schema's defaults are the ones the renderers apply", () => {
  const defaults: Record<string, unknown> = {
    image: property("image").default,
    replicas: property("replicas").default,
    nfsPort: property("nfsPort").default,
    serviceType: property("service.type").default,
    serviceNfsPort: property("service.nfsPort").default,
    serviceSmbPort: property("service.smbPort").default,
    smbEnabled: property("smb.enabled").default,
    smbPort: property("smb.port").default,
    metricsEnabled: property("metrics.enabled").default,
    metricsPort: property("metrics.port").default,
    s3AccessKeyIdKey: property("s3.credentialsSecretRef.accessKeyIdKey").default,
    s3SecretAccessKeyKey: property("s3.credentialsSecretRef.secretAccessKeyKey").default,
    s3EndpointKey: property("s3.credentialsSecretRef.endpointKey").default,
    databaseType: property("database.type").default,
    postgresHostKey: property("database.postgresSecretRef.hostKey").default,
    postgresPortKey: property("database.postgresSecretRef.portKey").default,
    postgresDatabaseKey: property("database.postgresSecretRef.databaseKey").default,
    postgresUserKey: property("database.postgresSecretRef.userKey").default,
    postgresPasswordKey: property("database.postgresSecretRef.passwordKey").default,
    postgresSslMode: property("database.sslMode").default,
    perconaEnabled: property("percona.enabled").default,
    perconaReplicas: property("percona.replicas").default,
    perconaStorageSize: property("percona.storageSize").default,
    perconaDatabaseName: property("percona.databaseName").default,
    perconaDeleteWithServer: property("percona.deleteWithServer").default,
    shareReadOnly: property("shares").items?.properties?.readOnly?.default,
    shareSquash: property("shares").items?.properties?.squash?.default,
    shareOwnerUid: property("shares").items?.properties?.owner?.properties?.uid?.default,
    shareOwnerGid: property("shares").items?.properties?.owner?.properties?.gid?.default,
    shareDefaultPermission: property("shares").items?.properties?.defaultPermission?.default,
    shareDeletionPolicy: property("shares").items?.properties?.deletionPolicy?.default,
    serverApiManage: property("serverApi.manage").default,
  };
  assert.deepEqual(defaults, { ...SPEC_DEFAULTS });
  assert.equal(property("image").default, DEFAULT_DITTOFS_IMAGE);
});

test("CEL rules guard the database source and the volume claim templates", () => {
  const specRules = (spec["x-kubernetes-validations"] ?? []).map(({ message }) => message ?? "");
  assert.ok(specRules.some((message) => /one database source/.test(message)));
  assert.ok(specRules.some((message) => /database\.type postgres needs/.test(message)));
  const storageRules = property("storage")["x-kubernetes-validations"] ?? [];
  assert.deepEqual(
    storageRules.map(({ fieldPath }) => fieldPath),
    [".metadataSize", ".cacheSize", ".contentSize", ".storageClassName"],
  );
  for (const { rule, message } of storageRules) {
    assert.match(rule, /oldSelf/);
    assert.match(message ?? "", /volumeClaimTemplates are immutable/);
    assert.match(message ?? "", /resize its PersistentVolumeClaim/);
  }
  const conditions = root.properties!.status.properties!.conditions as CrdSchema & Record<string, unknown>;
  assert.equal(conditions["x-kubernetes-list-type"], "map");
  assert.deepEqual(conditions["x-kubernetes-list-map-keys"], ["type"]);
});

test("every sample's DittoServer is valid against the schema", () => {
  const files = readdirSync(samplesDir).filter((file) => file.endsWith(".yaml"));
  assert.deepEqual(files.sort(), ["quick-start.yaml", "with-percona.yaml", "with-s3.yaml"]);
  for (const file of files) {
    const servers = sampleDocuments(file).filter((document) => document.kind === "DittoServer");
    assert.equal(servers.length, 1, `${file} has one DittoServer`);
    for (const server of servers) {
      assert.equal(server.apiVersion, "dittofs.dittofs.com/v1alpha1");
      assert.deepEqual(schemaViolations(root, server), [], file);
    }
  }
});

test("the schema refuses what it should: no metadata size, replicas 2, a quantity of the wrong type, a typo", () => {
  const valid = { apiVersion: "dittofs.dittofs.com/v1alpha1", kind: "DittoServer", metadata: {} };
  assert.deepEqual(schemaViolations(root, { ...valid, spec: { storage: {} } }), [
    "spec.storage.metadataSize: required",
  ]);
  assert.deepEqual(
    schemaViolations(root, { ...valid, spec: { storage: { metadataSize: "1Gi" }, replicas: 2 } }),
    ["spec.replicas: above 1"],
  );
  // Quantities are checked by a CEL rule (tests/integration/crds/ proves the API server's message).
  assert.equal(schemaViolations(root, { ...valid, spec: { storage: { metadataSize: ["10Gi"] } } }).length, 1);
  assert.deepEqual(
    schemaViolations(root, {
      ...valid,
      spec: { storage: { metadataSize: 1073741824 }, smb: { enable: true } },
    }),
    ["spec.smb.enable: unknown field"],
  );
});
