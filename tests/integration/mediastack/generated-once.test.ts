// Generate-once means once: a stack whose storage step keeps failing still has exactly one
// qBittorrent credentials Secret, written before anything that can fail, and one Event saying so.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CoreV1Event, V1Secret } from "@kubernetes/client-node";
import {
  dataVolumeName,
  qbittorrentCredentialsSecretName,
} from "../../../operator/controllers/mediastack/names.js";
import type { Operator } from "../../../operator/framework/operator.js";
import { patchTypes } from "../../../operator/framework/kube-api.js";
import { builtinResources } from "../../../operator/framework/resource.js";
import { counterTotal } from "../../bench/bench-metrics.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import {
  api,
  conditionOf,
  createStack,
  deleteIfExists,
  getStack,
  sampleStack,
  startMediaStackOperator,
} from "./stack-support.js";

let operator: Operator;

before(async () => {
  operator = await startMediaStackOperator(testCluster());
});

after(async () => {
  await operator.stop();
});

test("a stack whose storage fails on every retry writes its credentials Secret once and announces it once", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = sampleStack("minimal.yaml", namespace);
  const name = stack.metadata.name ?? "";
  // A volume of the stack's name that is not the stack's (no owner labels) and serves another export:
  // the storage step refuses it (DataVolumeConflict) on every retry.
  const volumeName = dataVolumeName(namespace, name);
  await api.create(builtinResources.PersistentVolume, {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: volumeName },
    spec: {
      capacity: { storage: "1Gi" },
      accessModes: ["ReadWriteMany"],
      nfs: { server: "192.0.2.1", path: "/elsewhere" },
      persistentVolumeReclaimPolicy: "Retain",
    },
  });
  t.after(() => deleteIfExists(builtinResources.PersistentVolume, undefined, volumeName));
  await createStack(t, stack);
  await waitFor(
    async () => {
      const current = await getStack(namespace, name);
      return conditionOf(current, "Ready")?.reason === "DataVolumeConflict" ? current : undefined;
    },
    { what: "Ready=False DataVolumeConflict", timeoutMs: 60_000 },
  );
  const secretName = qbittorrentCredentialsSecretName(name);
  const first = await api.get<V1Secret>(builtinResources.Secret, namespace, secretName);
  // More failing runs: the conflict retries only every 60 s, but a change of an owned child wakes the stack.
  const failedRuns = (): Promise<number> =>
    counterTotal(operator.metrics.registry, "mediaplane_reconcile_total", {
      controller: "mediastack",
      result: "temporary_error",
    });
  for (const poke of ["1", "2"]) {
    const before = await failedRuns();
    await api.patch(
      builtinResources.Secret,
      namespace,
      secretName,
      { metadata: { labels: { poke } } },
      patchTypes.merge,
    );
    await waitFor(async () => ((await failedRuns()) > before ? true : undefined), {
      what: `failed run after poke ${poke}`,
    });
  }
  const now = await api.get<V1Secret>(builtinResources.Secret, namespace, secretName);
  assert.deepEqual(now.data, first.data, "the generated credentials never change");
  const generated = (await api.list<CoreV1Event>(builtinResources.Event, namespace)).items.filter(
    (event) => event.reason === "CredentialsGenerated",
  );
  assert.equal(generated.length, 1);
  assert.equal(generated[0]?.count, 1, "announced once, and only after the Secret existed");
});
