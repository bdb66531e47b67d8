// How a MediaStack waits on others, on the real control plane: a DittoServer's Ready condition and
// file Service (the test plays the DittoServer controller, writing its status subresource), and, when
// the stack is deleted, the stack's Torrents (the test holds a Torrent's finalizer as the Torrent
// controller would while it removes the torrent from qBittorrent). Only the MediaStack controller runs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CoreV1Event, V1PersistentVolume, V1Service } from "@kubernetes/client-node";
import { dataVolumeName } from "../../../operator/controllers/mediastack/names.js";
import { patchTypes } from "../../../operator/framework/kube-api.js";
import type { Operator } from "../../../operator/framework/operator.js";
import { builtinResources } from "../../../operator/framework/resource.js";
import { DittoServerResource, type DittoServer } from "../../../operator/generated/dittoserver.js";
import { MediaStackResource, type MediaStack } from "../../../operator/generated/mediastack.js";
import { TorrentResource, type Torrent } from "../../../operator/generated/torrent.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import {
  api,
  conditionOf,
  createStack,
  exists,
  getStack,
  mergePatchStack,
  startMediaStackOperator,
  waitForCondition,
  waitGone,
  stackVolume,
} from "./stack-support.js";

let operator: Operator;

before(async () => {
  operator = await startMediaStackOperator(testCluster());
});

after(async () => {
  await operator.stop();
});

/** qBittorrent only: the app Torrents need, and one that mounts /data. */
function qbittorrentStack(namespace: string, data: MediaStack["spec"]["storage"]["data"]): MediaStack {
  return {
    apiVersion: "mediaplane.io/v1alpha1",
    kind: "MediaStack",
    metadata: { name: "arr", namespace },
    spec: {
      storage: { data },
      apps: {
        prowlarr: { enabled: false },
        sonarr: { enabled: false },
        radarr: { enabled: false },
        jellyfin: { enabled: false },
      },
    },
  };
}

/**
 * Writes the DittoServer's Ready condition and the shares it serves the way its controller would
 * (status subresource).
 */
async function setDittoServerReady(namespace: string, ready: boolean, shares = ["/export"]): Promise<void> {
  await api.patch(
    DittoServerResource,
    namespace,
    "library",
    {
      status: {
        shares: shares.map((path) => ({ path, served: true, inSpec: true })),
        conditions: [
          {
            type: "Ready",
            status: ready ? "True" : "False",
            reason: ready ? "Succeeded" : "Unavailable",
            message: ready ? "all conditions are met" : "0/1 pods ready",
            lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
          },
        ],
      },
    },
    patchTypes.merge,
    "status",
  );
}

/**
 * Waits for a MediaStack Event of `reason`: the framework posts transition Events after the status
 * write, so a condition can be visible a moment before its Event is.
 */
async function stackEvent(namespace: string, reason: string): Promise<CoreV1Event> {
  return waitFor(
    async () => {
      const { items } = await api.list<CoreV1Event>(builtinResources.Event, namespace);
      return items.find((event) => event.involvedObject.kind === "MediaStack" && event.reason === reason);
    },
    { what: `a MediaStack Event ${reason} in ${namespace}`, timeoutMs: 30_000 },
  );
}

test("dittoServerRef: the stack waits for the DittoServer, mounts its file Service by ClusterIP, and waits again when it turns unready", async (t) => {
  const namespace = await createTestNamespace(t);
  await createStack(t, qbittorrentStack(namespace, { dittoServerRef: { name: "library" } }));

  const notFound = await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.reason === "DittoServerNotFound",
    "DittoServerNotFound",
  );
  assert.match(conditionOf(notFound, "StorageReady")?.message ?? "", /DittoServer library not found/);

  await api.create(DittoServerResource, {
    apiVersion: "dittofs.dittofs.com/v1alpha1",
    kind: "DittoServer",
    metadata: { name: "library", namespace },
    spec: { storage: { metadataSize: "1Gi" } },
  } satisfies DittoServer);
  const waiting = await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.reason === "WaitingForDittoServer",
    "WaitingForDittoServer",
  );
  assert.equal(conditionOf(waiting, "StorageReady")?.status, "False");
  assert.match(
    conditionOf(waiting, "StorageReady")?.message ?? "",
    /waiting for DittoServer library: it has no Ready/,
  );
  assert.equal(conditionOf(waiting, "Ready")?.reason, "WaitingForDittoServer");
  assert.equal(
    await exists(builtinResources.PersistentVolume, undefined, dataVolumeName(namespace, "arr")),
    false,
  );

  // Ready, but not serving the stack's path (/export): still waiting, and the message says for what.
  await setDittoServerReady(namespace, true, ["/other"]);
  const noShare = await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.reason === "WaitingForDittoServer" && c.message.includes("does not serve /export"),
    "waiting for the share",
  );
  assert.match(
    conditionOf(noShare, "StorageReady")?.message ?? "",
    /its shares: \/other; add the path to its spec\.shares/,
  );

  // Ready and serving /export, but no file Service yet: still waiting, and the message says for what.
  await setDittoServerReady(namespace, true);
  await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) =>
      c.reason === "WaitingForDittoServer" && c.message.includes("file Service library-file does not exist"),
    "waiting for the file Service",
  );

  const service = await api.create<V1Service>(builtinResources.Service, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "library-file", namespace },
    spec: {
      type: "ClusterIP",
      selector: { "app.kubernetes.io/instance": "library" },
      ports: [{ name: "nfs", port: 2049, targetPort: 12049, protocol: "TCP" }],
    },
  });
  const clusterIP = service.spec?.clusterIP ?? "";
  assert.match(clusterIP, /^\d+\.\d+\.\d+\.\d+$/);
  const bound = await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.status === "True",
    "StorageReady=True on the DittoServer volume",
  );
  assert.equal(conditionOf(bound, "StorageReady")?.reason, "ClaimBound");
  const volume = await stackVolume(namespace, "arr");
  assert.deepEqual(volume.spec?.nfs, { server: clusterIP, path: "/export" });
  assert.ok(volume.spec?.mountOptions?.includes("port=2049"));
  const proceeded = await stackEvent(namespace, "DittoServerReady");
  assert.match(
    proceeded?.message ?? "",
    new RegExp(`DittoServer library is Ready; mounting its NFS export ${clusterIP}:2049/export`),
  );
  assert.equal(proceeded?.type, "Normal");

  // The DittoServer becomes unready later: StorageReady and Ready follow; the volume stays.
  await setDittoServerReady(namespace, false);
  const unready = await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.reason === "WaitingForDittoServer",
    "WaitingForDittoServer again",
  );
  assert.match(
    conditionOf(unready, "StorageReady")?.message ?? "",
    /DittoServer library: its Ready condition is False \(Unavailable: 0\/1 pods ready\)/,
  );
  assert.equal(conditionOf(unready, "Ready")?.status, "False");
  assert.equal(conditionOf(unready, "Ready")?.reason, "WaitingForDittoServer");
  assert.ok(await exists(builtinResources.PersistentVolume, undefined, dataVolumeName(namespace, "arr")));

  await setDittoServerReady(namespace, true);
  await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.status === "True",
    "StorageReady=True again",
  );
});

test("deleting a stack: its Torrents go first, its qBittorrent stays until they are gone", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = await createStack(
    t,
    qbittorrentStack(namespace, { nfs: { server: "192.0.2.60", path: "/media" }, reclaimPolicy: "Delete" }),
  );
  await waitFor(async () => (await getStack(namespace, "arr")).status?.qbittorrent?.credentialsSecret, {
    what: "the stack to publish its qBittorrent",
  });

  // What the Torrent controller sets up: a non-controller owner reference to the stack and a finalizer
  // that it removes only once the torrent is out of qBittorrent. Here the test holds that finalizer.
  const holdFinalizer = "mediaplane.test/removing-from-qbittorrent";
  await api.create(TorrentResource, {
    apiVersion: "torrent.qbittorrent.io/v1alpha1",
    kind: "Torrent",
    metadata: {
      name: "ubuntu",
      namespace,
      finalizers: [holdFinalizer],
      ownerReferences: [
        {
          apiVersion: "mediaplane.io/v1alpha1",
          kind: "MediaStack",
          name: "arr",
          uid: stack.metadata.uid ?? "",
        },
      ],
    },
    spec: {
      magnet_uri: "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=ubuntu",
      client_ref: { kind: "MediaStack", name: "arr" },
    },
  } satisfies Torrent);

  await api.delete(MediaStackResource, namespace, "arr");
  const deleting = await waitFor(
    async () => {
      const torrent = await api.get<Torrent>(TorrentResource, namespace, "ubuntu");
      return torrent.metadata.deletionTimestamp ? torrent : undefined;
    },
    { what: "the stack's finalizer to delete its Torrent" },
  );
  assert.ok(deleting.metadata.finalizers?.includes(holdFinalizer));
  const held = await waitForCondition(
    namespace,
    "arr",
    "Ready",
    (c) => c.reason === "WaitingForTorrents",
    "Ready=False WaitingForTorrents",
    30_000,
    { anyGeneration: true },
  );
  assert.equal(conditionOf(held, "Ready")?.reason, "WaitingForTorrents");
  assert.match(conditionOf(held, "Ready")?.message ?? "", /waiting for 1 Torrent\(s\) \(ubuntu\)/);
  assert.equal(
    held.status?.qbittorrent?.ready !== undefined,
    true,
    "status.qbittorrent is kept for the Torrents",
  );
  assert.match((await stackEvent(namespace, "WaitingForTorrents")).message ?? "", /waiting for 1 Torrent/);
  const qbittorrent = await api.get(builtinResources.Deployment, namespace, "arr-qbittorrent");
  assert.equal(
    qbittorrent.metadata?.deletionTimestamp,
    undefined,
    "qBittorrent still runs while a Torrent finalizes",
  );
  assert.ok(await exists(builtinResources.Secret, namespace, "arr-qbittorrent-credentials"));
  assert.ok(await exists(builtinResources.PersistentVolume, undefined, dataVolumeName(namespace, "arr")));

  // The Torrent is done with qBittorrent: the stack goes, then the garbage collector takes its children.
  await api.patch(TorrentResource, namespace, "ubuntu", { metadata: { finalizers: null } }, patchTypes.merge);
  await waitGone(TorrentResource, namespace, "ubuntu");
  await waitGone(MediaStackResource, namespace, "arr");
  await waitGone(builtinResources.Deployment, namespace, "arr-qbittorrent");
  await waitGone(builtinResources.PersistentVolume, undefined, dataVolumeName(namespace, "arr"));
});

test("dittoServerRef.share picks the DittoServer's share by name; share and path together are refused", async (t) => {
  const namespace = await createTestNamespace(t);
  await assert.rejects(
    api.create(
      MediaStackResource,
      qbittorrentStack(namespace, { dittoServerRef: { name: "library", share: "media", path: "/media" } }),
    ),
    /set share \(a name from the DittoServer's spec.shares\) or path, not both/,
  );
  await api.create(DittoServerResource, {
    apiVersion: "dittofs.dittofs.com/v1alpha1",
    kind: "DittoServer",
    metadata: { name: "library", namespace },
    spec: {
      storage: { metadataSize: "1Gi" },
      shares: [
        { name: "media", path: "/media" },
        { name: "backups", path: "/backups" },
      ],
    },
  });
  await createStack(
    t,
    qbittorrentStack(namespace, { dittoServerRef: { name: "library", share: "backups" } }),
  );
  // Ready and serving only the first share: the stack waits for the one it named, by its path.
  await setDittoServerReady(namespace, true, ["/media"]);
  await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.reason === "WaitingForDittoServer" && c.message.includes("does not serve /backups"),
    "waiting for the named share",
  );
  await setDittoServerReady(namespace, true, ["/media", "/backups"]);
  await api.create<V1Service>(builtinResources.Service, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "library-file", namespace },
    spec: { type: "ClusterIP", ports: [{ name: "nfs", port: 2049, targetPort: 12049, protocol: "TCP" }] },
  });
  const volume = await waitFor(
    async () =>
      (await exists(builtinResources.PersistentVolume, undefined, dataVolumeName(namespace, "arr")))
        ? api.get<V1PersistentVolume>(
            builtinResources.PersistentVolume,
            undefined,
            dataVolumeName(namespace, "arr"),
          )
        : undefined,
    { what: "the stack's data volume", timeoutMs: 60_000 },
  );
  assert.equal(volume.spec?.nfs?.path, "/backups");
});

test("nfs → existingClaim → dittoServerRef: the Released NFS volume is replaced by the DittoServer one", async (t) => {
  const namespace = await createTestNamespace(t);
  await createStack(t, qbittorrentStack(namespace, { nfs: { server: "192.0.2.80", path: "/media" } }));
  await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.status === "True",
    "bound to the NFS volume",
  );
  const volumeName = dataVolumeName(namespace, "arr");

  // existingClaim: the stack's own claim goes (stale), the Retained volume stays, Released.
  await mergePatchStack(namespace, "arr", {
    spec: { storage: { data: { nfs: null, existingClaim: "library" } } },
  });
  await waitGone(builtinResources.PersistentVolumeClaim, namespace, "arr-data");
  await waitFor(
    async () =>
      (await api.get<V1PersistentVolume>(builtinResources.PersistentVolume, undefined, volumeName)).status
        ?.phase === "Released",
    { what: "the NFS volume to be Released" },
  );

  // dittoServerRef to a Ready DittoServer: same volume name, another source, so it is re-created.
  await api.create(DittoServerResource, {
    apiVersion: "dittofs.dittofs.com/v1alpha1",
    kind: "DittoServer",
    metadata: { name: "library", namespace },
    spec: { storage: { metadataSize: "1Gi" } },
  } satisfies DittoServer);
  await setDittoServerReady(namespace, true);
  const service = await api.create<V1Service>(builtinResources.Service, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "library-file", namespace },
    spec: { ports: [{ name: "nfs", port: 2049, targetPort: 12049 }] },
  });
  await mergePatchStack(namespace, "arr", {
    spec: { storage: { data: { existingClaim: null, dittoServerRef: { name: "library" } } } },
  });
  await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.status === "True",
    "bound to the DittoServer volume",
  );
  const volume = await api.get<V1PersistentVolume>(builtinResources.PersistentVolume, undefined, volumeName);
  assert.equal(volume.spec?.nfs?.server, service.spec?.clusterIP);
  assert.equal(volume.status?.phase, "Bound");
  const replaced = await stackEvent(namespace, "DataVolumeReplaced");
  assert.match(replaced?.message ?? "", /192\.0\.2\.80:\/media/);
});
