// MediaStack storage on the real control plane, run by the whole operator (startOperator): reclaimPolicy
// Delete removes the volume while Retain keeps it, two same-named stacks never collide, an existing claim
// drives StorageReady by its phase, and the API server itself refuses what the CEL rules forbid.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type {
  CoreV1Event,
  V1Ingress,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
} from "@kubernetes/client-node";
import { loadConfig } from "../../../operator/config/operator-config.js";
import { dataVolumeName } from "../../../operator/controllers/mediastack/names.js";
import { KubeApiError } from "../../../operator/framework/kube-api.js";
import { builtinResources } from "../../../operator/framework/resource.js";
import { MediaStackResource, type MediaStack } from "../../../operator/generated/mediastack.js";
import { startOperator, type RunningOperator } from "../../../operator/main.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import {
  api,
  conditionOf,
  createStack,
  deleteIfExists,
  exists,
  mergePatchStack,
  namespaceLeftovers,
  provisionConfigVolumes,
  sampleStack,
  waitForCondition,
  waitForReady,
  waitGone,
  stackVolume,
} from "./stack-support.js";

let running: RunningOperator;

before(async () => {
  running = await startOperator(
    loadConfig({
      MEDIAPLANE_LEADER_ELECTION: "false",
      MEDIAPLANE_PROBE_PORT: "0",
      MEDIAPLANE_PROBE_HOST: "127.0.0.1",
      MEDIAPLANE_LOG_LEVEL: "warn",
    }),
    testCluster(),
  );
});

after(async () => {
  await running.stop();
});

/** A small NFS stack: qBittorrent and Sonarr only, no routing. */
function nfsStack(namespace: string, server: string, reclaimPolicy: "Retain" | "Delete"): MediaStack {
  return {
    apiVersion: "mediaplane.io/v1alpha1",
    kind: "MediaStack",
    metadata: { name: "media", namespace },
    spec: {
      storage: { data: { nfs: { server, path: "/media" }, reclaimPolicy } },
      apps: {
        prowlarr: { enabled: false },
        radarr: { enabled: false },
        jellyfin: { enabled: false },
      },
    },
  };
}

test("two same-named stacks in two namespaces get their own volumes; Delete removes one, Retain keeps the other", async (t) => {
  const first = await createTestNamespace(t);
  const second = await createTestNamespace(t);
  const deleting = nfsStack(first, "192.0.2.10", "Delete");
  const retaining = nfsStack(second, "192.0.2.20", "Retain");
  for (const stack of [deleting, retaining]) {
    await provisionConfigVolumes(t, stack);
    await createStack(t, stack);
  }
  for (const namespace of [first, second]) await waitForReady(namespace, "media");

  const [one, two] = [await stackVolume(first, "media"), await stackVolume(second, "media")];
  assert.notEqual(one.metadata?.name, two.metadata?.name);
  assert.deepEqual(
    [one.spec?.nfs?.server, one.spec?.claimRef?.namespace, one.status?.phase],
    ["192.0.2.10", first, "Bound"],
  );
  assert.deepEqual(
    [two.spec?.nfs?.server, two.spec?.claimRef?.namespace, two.status?.phase],
    ["192.0.2.20", second, "Bound"],
  );
  // Both volumes are Retain on the Kubernetes side (no NFS deleter exists); the policy is the finalizer's.
  assert.equal(one.spec?.persistentVolumeReclaimPolicy, "Retain");

  await api.delete(MediaStackResource, first, "media");
  await waitGone(MediaStackResource, first, "media");
  await waitGone(builtinResources.PersistentVolume, undefined, dataVolumeName(first, "media"));
  assert.equal(
    (await stackVolume(second, "media")).status?.phase,
    "Bound",
    "the other stack's volume is untouched",
  );
  const leftovers = await waitFor(
    async () => ((await namespaceLeftovers(first)).length === 0 ? [] : undefined),
    { what: `nothing left in ${first}`, timeoutMs: 60_000, intervalMs: 500 },
  );
  assert.deepEqual(leftovers, []);

  await api.delete(MediaStackResource, second, "media");
  await waitGone(MediaStackResource, second, "media");
  const released = await waitFor(
    async () => {
      const pv = await stackVolume(second, "media");
      return pv.status?.phase === "Released" ? pv : undefined;
    },
    { what: "the Retained volume to be Released" },
  );
  assert.equal(
    released.spec?.claimRef?.name,
    "media-data",
    "the claimRef is kept: no other claim can bind it",
  );
});

test("re-creating a stack over its Retained volume binds the volume again", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = nfsStack(namespace, "192.0.2.30", "Retain");
  await provisionConfigVolumes(t, stack);
  await createStack(t, stack);
  const firstUid = (
    await waitForCondition(namespace, "media", "StorageReady", (c) => c.status === "True", "bound")
  ).metadata.uid;
  await api.delete(MediaStackResource, namespace, "media");
  await waitGone(MediaStackResource, namespace, "media");
  await waitFor(async () => (await stackVolume(namespace, "media")).status?.phase === "Released", {
    what: "the volume to be Released",
  });
  await createStack(t, stack);
  const again = await waitForCondition(
    namespace,
    "media",
    "StorageReady",
    (c) => c.status === "True",
    "re-bound",
  );
  assert.notEqual(again.metadata.uid, firstUid);
  const pv = await stackVolume(namespace, "media");
  const claim = await api.get<V1PersistentVolumeClaim>(
    builtinResources.PersistentVolumeClaim,
    namespace,
    "media-data",
  );
  assert.equal(pv.spec?.claimRef?.uid, claim.metadata?.uid, "the volume is bound to the new claim");
  assert.equal(pv.status?.phase, "Bound");
});

test("an existing claim: StorageReady follows its phase, Ingresses route, and the claim outlives the stack", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = sampleStack("existing-claim-ingress.yaml", namespace);
  await provisionConfigVolumes(t, stack);
  await createStack(t, stack);

  const missing = await waitForCondition(
    namespace,
    "media",
    "StorageReady",
    (c) => c.reason === "ClaimNotFound",
    "StorageReady=False ClaimNotFound",
  );
  assert.match(conditionOf(missing, "StorageReady")?.message ?? "", /media-library not found/);
  assert.equal(
    missing.status?.storage?.persistentVolumeName,
    undefined,
    "no volume rendered for an existing claim",
  );

  // The user's claim: static NFS volume, bound by claimRef/volumeName.
  const pvName = `test-${namespace}-library`;
  t.after(() => deleteIfExists(builtinResources.PersistentVolume, undefined, pvName));
  await api.create(builtinResources.PersistentVolume, {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: pvName },
    spec: {
      capacity: { storage: "1Ti" },
      accessModes: ["ReadWriteMany"],
      storageClassName: "",
      nfs: { server: "192.0.2.40", path: "/library" },
      claimRef: { namespace, name: "media-library" },
    },
  } satisfies V1PersistentVolume);
  await api.create(builtinResources.PersistentVolumeClaim, {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "media-library", namespace },
    spec: {
      accessModes: ["ReadWriteMany"],
      storageClassName: "",
      volumeName: pvName,
      resources: { requests: { storage: "1Ti" } },
    },
  } satisfies V1PersistentVolumeClaim);
  const ready = await waitForReady(namespace, "media");
  assert.equal(conditionOf(ready, "StorageReady")?.reason, "ClaimBound");
  assert.equal(conditionOf(ready, "RoutesReady")?.reason, "IngressesCreated");
  assert.equal(ready.status?.storage?.claimName, "media-library");
  const ingresses = (await api.list<V1Ingress>(builtinResources.Ingress, namespace)).items;
  assert.equal(ingresses.length, 5);
  assert.ok(ingresses.every((ingress) => ingress.metadata?.ownerReferences?.[0]?.uid === ready.metadata.uid));

  await api.delete(MediaStackResource, namespace, "media");
  await waitGone(MediaStackResource, namespace, "media");
  await waitFor(async () => !(await exists(builtinResources.Deployment, namespace, "media-sonarr")), {
    what: "the stack's Deployments to be collected",
  });
  assert.ok(
    await exists(builtinResources.PersistentVolumeClaim, namespace, "media-library"),
    "the user's claim stays",
  );
});

test("the API server refuses what the CRD's CEL rules forbid, with their messages", async (t) => {
  const namespace = await createTestNamespace(t);
  const refusal = async (write: () => Promise<unknown>): Promise<string> => {
    try {
      await write();
    } catch (error) {
      assert.ok(error instanceof KubeApiError, String(error));
      assert.equal(error.status, 422);
      return error.message;
    }
    assert.fail("the API server accepted it");
  };

  const twoSources = nfsStack(namespace, "192.0.2.50", "Retain");
  twoSources.spec.storage.data.existingClaim = "library";
  assert.match(
    await refusal(() => createStack(t, twoSources)),
    /set exactly one of nfs, existingClaim or dittoServerRef/,
  );

  const noApps = nfsStack(namespace, "192.0.2.50", "Retain");
  noApps.spec.apps = Object.fromEntries(
    ["prowlarr", "sonarr", "radarr", "qbittorrent", "jellyfin"].map((app) => [app, { enabled: false }]),
  );
  assert.match(await refusal(() => createStack(t, noApps)), /at least one app must be enabled/);

  // An accepted stack cannot move its volume's source in place.
  const stack = nfsStack(namespace, "192.0.2.50", "Delete");
  await createStack(t, stack);
  assert.match(
    await refusal(() =>
      mergePatchStack(namespace, "media", { spec: { storage: { data: { nfs: { server: "192.0.2.51" } } } } }),
    ),
    /nfs server, path and capacity are immutable/,
  );
  assert.match(
    await refusal(() =>
      mergePatchStack(namespace, "media", {
        spec: { storage: { data: { nfs: null, dittoServerRef: { name: "library" } } } },
      }),
    ),
    /cannot switch directly between nfs and dittoServerRef/,
  );
});

test("what only the operator can judge is Ready=False InvalidSpec, Stalled, with a Warning Event", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = nfsStack(namespace, "192.0.2.70", "Delete");
  stack.spec.apps = {
    ...stack.spec.apps,
    sonarr: { resources: { requests: { cpu: "2" }, limits: { cpu: "1" } } },
  };
  await createStack(t, stack);
  const refused = await waitForCondition(
    namespace,
    "media",
    "Ready",
    (c) => c.reason === "InvalidSpec",
    "Ready=False InvalidSpec",
  );
  assert.equal(conditionOf(refused, "Ready")?.status, "False");
  assert.match(
    conditionOf(refused, "Ready")?.message ?? "",
    /spec\.apps\.sonarr\.resources: cpu request 2 exceeds its limit 1/,
  );
  assert.equal(conditionOf(refused, "Stalled")?.status, "True");
  const { items } = await api.list<CoreV1Event>(builtinResources.Event, namespace);
  assert.ok(items.some((event) => event.type === "Warning" && event.reason === "InvalidSpec"));
  assert.equal(
    await exists(builtinResources.Deployment, namespace, "media-sonarr"),
    false,
    "nothing rendered",
  );

  // Fixing the spec is a new generation: the stack proceeds.
  await mergePatchStack(namespace, "media", {
    spec: { apps: { sonarr: { resources: { limits: { cpu: "2" } } } } },
  });
  await waitFor(async () => exists(builtinResources.Deployment, namespace, "media-sonarr"), {
    what: "the fixed stack to render its Deployments",
  });
});
