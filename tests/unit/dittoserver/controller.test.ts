// The controller's pure pieces: which servers a Secret or Percona cluster wakes, which condition
// changes become Events (once, not on every resync), and the generated control-plane credentials.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { setCondition, type Condition } from "../../../operator/framework/conditions.js";
import type { CacheReader } from "../../../operator/framework/context.js";
import type { ResourceType } from "../../../operator/framework/resource.js";
import { generateControlPlaneCredentials } from "../../../operator/controllers/dittoserver/control-plane-credentials.js";
import {
  dittoServerController,
  serverOfPerconaCluster,
  serversReadingSecret,
} from "../../../operator/controllers/dittoserver/dittoserver-controller.js";
import {
  dittoServerCondition,
  dittoServerReasons,
} from "../../../operator/controllers/dittoserver/condition-reasons.js";
import { transitionEvents } from "../../../operator/framework/reasons.js";
import type { DittoServer } from "../../../operator/generated/dittoserver.js";
import { NAMESPACE, dittoServer, sampleServer } from "./fixtures.js";

/** A cache holding `servers` (DittoServers only). */
function cacheOf(servers: DittoServer[]): CacheReader {
  return {
    get: <T extends KubernetesObject>(resource: ResourceType, namespace: string | undefined, name: string) =>
      (resource.kind === "DittoServer"
        ? servers.find((s) => s.metadata.namespace === namespace && s.metadata.name === name)
        : undefined) as T | undefined,
    list: <T extends KubernetesObject>(resource: ResourceType, namespace?: string) =>
      (resource.kind === "DittoServer"
        ? servers.filter((s) => namespace === undefined || s.metadata.namespace === namespace)
        : []) as unknown as T[],
    isServed: () => true,
    byIndex: () => {
      throw new Error("this cache has no indexes");
    },
  };
}

const s3 = sampleServer("with-s3.yaml");
const percona = sampleServer("with-percona.yaml");
const plain = dittoServer("plain", { storage: { metadataSize: "1Gi" } });
const cache = cacheOf([s3, percona, plain]);

function secret(name: string, namespace = NAMESPACE): KubernetesObject {
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace } };
}

test("a Secret wakes exactly the servers whose pod reads it, in its namespace", () => {
  assert.deepEqual(serversReadingSecret(secret("dittofs-s3-credentials"), cache), [
    `${NAMESPACE}/dittofs-s3`,
  ]);
  assert.deepEqual(serversReadingSecret(secret("dittofs-pg-postgres-pguser-dittofs"), cache), [
    `${NAMESPACE}/dittofs-pg`,
  ]);
  assert.deepEqual(serversReadingSecret(secret("plain-controlplane"), cache), [`${NAMESPACE}/plain`]);
  assert.deepEqual(serversReadingSecret(secret("dittofs-s3-credentials", "elsewhere"), cache), []);
  assert.deepEqual(serversReadingSecret(secret("unrelated"), cache), []);
});

test("a Percona cluster wakes the server named by its instance label, if that server exists", () => {
  const cluster = (instance: string | undefined): KubernetesObject => ({
    apiVersion: "pgv2.percona.com/v2",
    kind: "PerconaPGCluster",
    metadata: {
      name: "x-postgres",
      namespace: NAMESPACE,
      ...(instance === undefined ? {} : { labels: { "app.kubernetes.io/instance": instance } }),
    },
  });
  assert.deepEqual(serverOfPerconaCluster(cluster("dittofs-pg"), cache), [`${NAMESPACE}/dittofs-pg`]);
  assert.deepEqual(serverOfPerconaCluster(cluster("someone-else"), cache), []);
  assert.deepEqual(serverOfPerconaCluster(cluster(undefined), cache), []);
});

test("the Ready policy counts DatabaseReady only on PostgreSQL, ServerConfigured only when managed", () => {
  const ready = dittoServerController({ concurrency: 1 }).ready;
  assert.equal(typeof ready, "function");
  if (typeof ready !== "function") return;
  assert.deepEqual(ready(plain).positive, ["ConfigReady", "Available", "ServerConfigured"]);
  assert.deepEqual(ready(percona).positive, [
    "ConfigReady",
    "DatabaseReady",
    "Available",
    "ServerConfigured",
  ]);
  const unmanaged = { ...plain, spec: { ...plain.spec, serverApi: { manage: false } } };
  assert.deepEqual(ready(unmanaged).positive, ["ConfigReady", "Available"]);
});

test("the reason table announces what a person must see, once per change of status or reason", () => {
  const at = new Date("2026-01-01T00:00:00Z");
  const set = (...inputs: Parameters<typeof dittoServerCondition>[]): Condition[] =>
    inputs.reduce<Condition[]>(
      (list, [reason, message]) => setCondition(list, dittoServerCondition(reason, message), 1, at),
      [],
    );
  const missing = set(["SecretNotFound", "Secret s3 (S3 credentials) not found in namespace media"]);
  assert.deepEqual(transitionEvents(dittoServerReasons, [], missing), [
    { type: "Warning", reason: "SecretNotFound", message: `ConfigReady: ${missing[0]?.message}` },
  ]);
  assert.deepEqual(transitionEvents(dittoServerReasons, missing, missing), [], "nothing new on a resync");
  const other = set(["SecretNotFound", "Secret other (S3 credentials) not found in namespace media"]);
  assert.deepEqual(
    transitionEvents(dittoServerReasons, missing, other),
    [],
    "the same cause with another message is no transition: the condition carries the message",
  );
  const waiting = set(["PerconaClusterNotReady", "PerconaPGCluster x-postgres is initializing"]);
  assert.deepEqual(transitionEvents(dittoServerReasons, [], waiting), [
    { type: "Normal", reason: "WaitingForDatabase", message: `DatabaseReady: ${waiting[0]?.message}` },
  ]);
  const rolling = set(["RollingUpdate", "0 of 1 pods updated"]);
  assert.deepEqual(
    transitionEvents(dittoServerReasons, [], rolling),
    [],
    "in-flight progress is not an Event",
  );
});

test("generated control-plane credentials are long enough and never repeat", () => {
  const first = generateControlPlaneCredentials();
  const second = generateControlPlaneCredentials();
  assert.ok(first.jwtSecret.length >= 32);
  assert.ok(first.adminPassword.length >= 24);
  assert.notEqual(first.jwtSecret, second.jwtSecret);
  assert.notEqual(first.adminPassword, second.adminPassword);
  assert.match(first.adminPassword, /^[A-Za-z0-9_-]+$/, "safe to type and to pass in env");
});
