// Referenced Secrets on the real test cluster: a missing S3 Secret is a visible, named wait (not a
// crash), its creation wakes the server through the Secret watch, and a running pod is never rolled
// onto a Secret that went missing. The Secret points at a real S3 server (versitygw) with the sample's bucket.
import assert from "node:assert/strict";
import { MISSING_SECRET_RECHECK_MS } from "../../../operator/controllers/dittoserver/reconcile-dittoserver.js";
import { after, before, test } from "node:test";
import type { V1Secret } from "@kubernetes/client-node";
import type { RunningOperator } from "../../../operator/main.js";
import { createTestNamespace } from "../support/cluster.js";
import { startS3Server, type S3Server } from "../../cluster/s3-server.js";
import {
  conditionOf,
  core,
  createIn,
  getServer,
  getStatefulSet,
  provideVolumes,
  sampleDocuments,
  startTestOperator,
  templateHash,
  waitForEvent,
  waitForReady,
  waitForServer,
  plain,
} from "./dittoserver-support.js";

let running: RunningOperator;
let s3: S3Server;
let s3Secret: V1Secret;

const [sampleSecret, s3Server] = sampleDocuments("with-s3.yaml") as [
  V1Secret,
  { metadata: { name: string }; spec: { s3: { region: string; bucket: string } } },
];

before(async () => {
  s3 = await startS3Server({ region: s3Server.spec.s3.region });
  await s3.createBucket(s3Server.spec.s3.bucket);
  // The sample's Secret with the real server's keys and endpoint in place of its placeholders.
  s3Secret = {
    ...sampleSecret,
    stringData: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, endpoint: s3.endpoint },
  };
  running = await startTestOperator();
});

after(async () => {
  await running?.stop();
  await s3?.stop();
});

test("a missing S3 Secret shows ConfigReady=False naming it; creating it makes the server Ready at once", async (t) => {
  const namespace = await createTestNamespace(t);
  const name = s3Server.metadata.name;
  await provideVolumes(t, namespace, name, { metadata: "10Gi", cache: "20Gi" });
  await createIn(namespace, s3Server);

  const waiting = await waitForServer(
    namespace,
    name,
    "ConfigReady=False SecretNotFound",
    (server) =>
      conditionOf(server, "ConfigReady")?.reason === "SecretNotFound" &&
      server.status?.observedGeneration === server.metadata.generation,
  );
  const config = conditionOf(waiting, "ConfigReady");
  assert.equal(config?.status, "False");
  assert.match(config?.message ?? "", /Secret dittofs-s3-credentials \(S3 credentials\) not found/);
  assert.equal(conditionOf(waiting, "Ready")?.status, "False");
  assert.equal(conditionOf(waiting, "Ready")?.reason, "SecretNotFound", "Ready names the first blocker");
  const warning = await waitForEvent(namespace, name, "Warning", "SecretNotFound", "dittofs-s3-credentials");
  assert.equal(warning.involvedObject.uid, waiting.metadata.uid);

  // The StatefulSet exists (its pod waits for the Secret) and reads the keys by reference.
  const statefulSet = await getStatefulSet(namespace, name);
  const env = statefulSet.spec?.template.spec?.containers[0]?.env ?? [];
  assert.deepEqual(plain(env.find((v) => v.name === "AWS_ACCESS_KEY_ID")?.valueFrom?.secretKeyRef), {
    name: "dittofs-s3-credentials",
    key: "accessKeyId",
  });
  assert.deepEqual(plain(env.find((v) => v.name === "AWS_REGION")), {
    name: "AWS_REGION",
    value: "eu-west-1",
  });
  const hashWithoutSecret = templateHash(statefulSet);

  // The controller looks again after MISSING_SECRET_RECHECK_MS at the latest: Ready before then can
  // only come from the Secret watch (the margin is the whole interval, not a guess at machine speed).
  await createIn(namespace, s3Secret);
  const ready = await waitForReady(namespace, name, MISSING_SECRET_RECHECK_MS - 1000);
  assert.equal(conditionOf(ready, "ConfigReady")?.reason, "ConfigApplied");
  assert.notEqual(ready.status?.configHash, hashWithoutSecret, "the new Secret rolls the pod");
  assert.equal(templateHash(await getStatefulSet(namespace, name)), ready.status?.configHash);

  const everywhere = JSON.stringify([
    await getServer(namespace, name),
    await core.readNamespacedConfigMap({ namespace, name: `${name}-config` }),
    await getStatefulSet(namespace, name),
  ]);
  for (const value of Object.values(s3Secret.stringData ?? {})) {
    assert.ok(!everywhere.includes(value), `${value} is not copied out of the Secret`);
  }
});

test("a Secret that goes missing does not roll the running pod; its return does", async (t) => {
  const namespace = await createTestNamespace(t);
  const name = s3Server.metadata.name;
  await provideVolumes(t, namespace, name, { metadata: "10Gi", cache: "20Gi" });
  await createIn(namespace, s3Secret);
  await createIn(namespace, s3Server);
  const ready = await waitForReady(namespace, name);
  const runningHash = ready.status?.configHash;
  const before = await getStatefulSet(namespace, name);

  await core.deleteNamespacedSecret({ namespace, name: "dittofs-s3-credentials" });
  const waiting = await waitForServer(
    namespace,
    name,
    "ConfigReady=False after the Secret was deleted",
    (server) => conditionOf(server, "ConfigReady")?.reason === "SecretNotFound",
  );
  assert.equal(waiting.status?.configHash, runningHash, "status reports the hash that runs");
  const held = await getStatefulSet(namespace, name);
  assert.equal(templateHash(held), runningHash);
  assert.equal(held.metadata?.generation, before.metadata?.generation, "the StatefulSet is left as it was");

  await createIn(namespace, s3Secret);
  const back = await waitForReady(namespace, name, 20_000);
  assert.notEqual(back.status?.configHash, runningHash, "new Secret contents roll the pod");
  assert.equal(templateHash(await getStatefulSet(namespace, name)), back.status?.configHash);
});
