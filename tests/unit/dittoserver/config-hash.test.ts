// The config-hash annotation rolls pods when, and only when, config.yaml or a Secret the pod
// reads changes: never for a new generation alone (the upstream operator's restart-on-every-edit).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { V1StatefulSet } from "@kubernetes/client-node";
import type { DittoServer } from "../../../operator/generated/dittoserver.js";
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
} from "../../../operator/controllers/dittoserver/render/config-hash.js";
import { renderDittoServer } from "../../../operator/controllers/dittoserver/render/index.js";
import { dittoServer, fixedInputs, secretVersionsFor } from "./fixtures.js";

function podHash(server: DittoServer, versions = secretVersionsFor(server)): string {
  const rendering = renderDittoServer(server, fixedInputs(versions));
  const statefulSet = rendering.children.find(({ object }) => object.kind === "StatefulSet")
    ?.object as V1StatefulSet;
  const annotation = statefulSet.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
  assert.equal(annotation, rendering.configHash, "the pod template carries the rendering's hash");
  return rendering.configHash;
}

const base = dittoServer("hash-me", {
  storage: { metadataSize: "10Gi" },
  s3: { credentialsSecretRef: { secretName: "s3-creds" }, region: "eu-west-1", bucket: "b" },
});

test("the hash ignores the generation and spec edits that leave config.yaml alone", () => {
  const edited: DittoServer = {
    ...base,
    metadata: { ...base.metadata, generation: 7 },
    spec: { ...base.spec, service: { type: "LoadBalancer", annotations: { a: "b" } }, replicas: 0 },
  };
  assert.equal(podHash(edited), podHash(base));
});

test("the hash changes when config.yaml changes", () => {
  const withMetrics: DittoServer = { ...base, spec: { ...base.spec, metrics: { enabled: true } } };
  assert.notEqual(podHash(withMetrics), podHash(base));
});

test("the hash changes when a Secret the pod reads changes, appears or disappears", () => {
  const before = podHash(base);
  assert.notEqual(podHash(base, secretVersionsFor(base, { "s3-creds": "2002" })), before);
  assert.notEqual(podHash(base, secretVersionsFor(base, { "s3-creds": undefined })), before);
  assert.notEqual(podHash(base, secretVersionsFor(base, { "hash-me-controlplane": "9" })), before);
});

test("the hash ignores Secrets the pod does not read and the order of the versions", () => {
  const before = podHash(base);
  assert.equal(podHash(base, secretVersionsFor(base, { "unrelated-secret": "77" })), before);
  assert.equal(configHash("a: 1\n", { x: "1", y: "2" }), configHash("a: 1\n", { y: "2", x: "1" }));
  assert.notEqual(configHash("a: 1\n", { x: "1" }), configHash("a: 2\n", { x: "1" }));
});
