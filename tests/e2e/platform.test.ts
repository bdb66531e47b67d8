// End to end: samples/platform (DittoServer → MediaStack on it → Torrents on the stack) on the
// real cluster with real qbittorrent-nox standing in for the stack's qBittorrent, then torn down
// to nothing: no PV, no torrent in qBittorrent, no object of ours in the namespace.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { CoreV1Event, KubernetesObject, V1PersistentVolume, V1Service } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { QbittorrentClient } from "../../operator/clients/qbittorrent/client.js";
import { hashQbittorrentPassword } from "../../operator/clients/qbittorrent/password-hash.js";
import { loadConfig } from "../../operator/config/operator-config.js";
import {
  dataVolumeName,
  qbittorrentCredentialsSecretName,
} from "../../operator/controllers/mediastack/names.js";
import { KubeApi, isNotFound } from "../../operator/framework/kube-api.js";
import { builtinResources, type ResourceType } from "../../operator/framework/resource.js";
import { DittoServerResource, type DittoServer } from "../../operator/generated/dittoserver.js";
import { MediaStackResource, type MediaStack } from "../../operator/generated/mediastack.js";
import { TorrentResource, type Torrent } from "../../operator/generated/torrent.js";
import { startOperator } from "../../operator/main.js";
import { startQbittorrent } from "../cluster/qbittorrent.js";
import { provideVolumes } from "../integration/dittoserver/dittoserver-support.js";
import { startDfsFleet } from "../integration/dittoserver/dfs-fleet.js";
import { builtDfsBinary } from "../integration/dittoserver/real-dfs-support.js";
import { provisionConfigVolumes } from "../integration/mediastack/stack-support.js";
import {
  createTestNamespace,
  testBinaries,
  testCluster,
  testKubeconfigPath,
  waitFor,
} from "../integration/support/cluster.js";

type WithConditions = KubernetesObject & {
  status?: { conditions?: Array<{ type: string; status: string; reason: string }> };
};

const api = new KubeApi(testCluster());
const kubectl = (...args: string[]): string =>
  execFileSync(testBinaries().kubectl, [`--kubeconfig=${testKubeconfigPath()}`, ...args], {
    encoding: "utf8",
  });

function platformObjects(namespace: string): KubernetesObject[] {
  const text = readFileSync(new URL("../../samples/platform/platform.yaml", import.meta.url), "utf8");
  return parseAllDocuments(text).map((doc) => {
    const object = doc.toJS() as KubernetesObject;
    return { ...object, metadata: { ...object.metadata, namespace } };
  });
}

async function conditionOf(
  resource: ResourceType,
  namespace: string,
  name: string,
  type: string,
): Promise<{ status: string; reason: string } | undefined> {
  const object = await api.get<WithConditions>(resource, namespace, name);
  return object.status?.conditions?.find((c) => c.type === type);
}

async function waitReady(
  resource: ResourceType,
  namespace: string,
  name: string,
  timeoutMs = 90_000,
): Promise<void> {
  await waitFor(async () => (await conditionOf(resource, namespace, name, "Ready"))?.status === "True", {
    what: `${resource.kind} ${namespace}/${name} Ready`,
    timeoutMs,
  });
}

async function gone(resource: ResourceType, namespace: string | undefined, name: string): Promise<boolean> {
  try {
    await api.get(resource, namespace, name);
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

test("DittoServer → MediaStack → Torrents come up in order and tear down to nothing", async (t) => {
  const namespace = await createTestNamespace(t);
  const objects = platformObjects(namespace);
  const server = objects.find((o) => o.kind === "DittoServer") as DittoServer;
  const stack = objects.find((o) => o.kind === "MediaStack") as MediaStack;
  // The stack's qBittorrent is the host's qbittorrent-nox here, which has no /data: the wiring's
  // categories (saving under /data/torrents) would point the Torrents' categories there.
  // tests/integration/wiring covers the wiring against the fakes.
  stack.spec.wiring = { downloadClients: false };
  const torrents = objects.filter((o) => o.kind === "Torrent") as Torrent[];

  // The stack's qBittorrent is real qbittorrent-nox on loopback, with credentials in the stack's own
  // Secret (the stack keeps a Secret it finds); the operator reaches the stack's in-cluster URL through an alias.
  const qbittorrent = await startQbittorrent();
  t.after(() => qbittorrent.stop());
  await api.create(builtinResources.Secret, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: qbittorrentCredentialsSecretName("home"), namespace },
    type: "kubernetes.io/basic-auth",
    stringData: {
      username: qbittorrent.username,
      password: qbittorrent.password,
      password_pbkdf2: hashQbittorrentPassword(qbittorrent.password),
    },
  });
  const inClusterUrl = `http://home-qbittorrent.${namespace}.svc.cluster.local:8080`;
  // The DittoServer's pod is a real dfs run by the fleet; the operator configures it through its API.
  const dfs = builtDfsBinary();
  assert.ok(dfs, "dfs is built (npm test builds it first)");
  const fleet = await startDfsFleet(testCluster(), dfs);
  t.after(() => fleet.stop());
  const operator = await startOperator(
    loadConfig({
      MEDIAPLANE_LEADER_ELECTION: "false",
      MEDIAPLANE_PROBE_HOST: "127.0.0.1",
      MEDIAPLANE_PROBE_PORT: "0",
      MEDIAPLANE_LOG_LEVEL: "error",
      MEDIAPLANE_TORRENT_POLL_SECONDS: "1",
      MEDIAPLANE_SERVICE_URL_ALIASES: `${fleet.alias[0]}=${fleet.alias[1]},${inClusterUrl}=${qbittorrent.url}`,
    }),
    testCluster(),
  );
  t.after(() => operator.stop());

  // The test plays the storage provisioner the local cluster lacks.
  await provideVolumes(t, namespace, "storage", { metadata: "1Gi", content: "100Gi" });
  await provisionConfigVolumes(t, stack);
  for (const object of objects) {
    await api.create({ ...resourceOf(object), namespaced: true }, object);
  }

  // The stack waits for the server, then mounts its file Service by ClusterIP.
  const waiting = await waitFor(
    async () => {
      const storage = await conditionOf(MediaStackResource, namespace, "home", "StorageReady");
      if (storage?.reason === "WaitingForDittoServer" || storage?.status === "True") return storage;
      const current = await api.get<WithConditions>(MediaStackResource, namespace, "home");
      throw new Error(
        `StorageReady is ${JSON.stringify(storage)}; conditions ${JSON.stringify(current.status?.conditions)}`,
      );
    },
    { what: "the stack to wait for (or find) its DittoServer" },
  );
  assert.ok(waiting);
  await waitReady(DittoServerResource, namespace, server.metadata.name ?? "");
  await waitReady(MediaStackResource, namespace, "home");
  const fileService = await api.get<V1Service>(builtinResources.Service, namespace, "storage-file");
  const volume = await api.get<V1PersistentVolume>(
    builtinResources.PersistentVolume,
    undefined,
    dataVolumeName(namespace, "home"),
  );
  assert.equal(
    volume.spec?.nfs?.server,
    fileService.spec?.clusterIP,
    "the PV mounts the file Service's ClusterIP",
  );
  const served = await api.get<DittoServer>(DittoServerResource, namespace, "storage");
  const share = served.status?.shares?.find((s) => s.inSpec);
  assert.equal(share?.served, true, "the DittoServer serves its default share");
  assert.equal(volume.spec?.nfs?.path, share?.path, "the PV mounts the path DittoFS exports");
  assert.match(kubectl("describe", "mediastack", "home", "-n", namespace), /StorageReady[\s\S]*storage/);

  // The Torrents use the stack's qBittorrent and are owned by the stack.
  const client = new QbittorrentClient({
    url: qbittorrent.url,
    username: qbittorrent.username,
    password: qbittorrent.password,
    timeoutMs: 5000,
  });
  for (const torrent of torrents)
    await waitReady(TorrentResource, namespace, torrent.metadata.name ?? "", 60_000);
  const added = await client.torrentsInfo();
  assert.equal(added.length, torrents.length, "one torrent per Torrent in the stack's qBittorrent");
  const stackUid = (await api.get<MediaStack>(MediaStackResource, namespace, "home")).metadata.uid;
  for (const torrent of torrents) {
    const live = await api.get<Torrent>(TorrentResource, namespace, torrent.metadata.name ?? "");
    assert.ok(live.metadata.ownerReferences?.some((ref) => ref.uid === stackUid && ref.controller === false));
  }
  const described = kubectl("describe", "torrent", "big-buck-bunny", "-n", namespace);
  assert.match(described, /Status:\s+True\s+Type:\s+Ready/);
  assert.match(described, /Normal\s+Added\s/);

  // What a user sees with kubectl: one category for all three kinds, useful columns, waitable Ready.
  for (const target of [
    "dittoserver/storage",
    "mediastack/home",
    "torrent/big-buck-bunny",
    "torrent/sintel",
  ]) {
    kubectl("wait", "--for=condition=Ready", target, "-n", namespace, "--timeout=30s");
  }
  const all = kubectl("get", "mediaplane", "-n", namespace);
  for (const name of [
    "dittoserver.dittofs.dittofs.com/storage",
    "mediastack.mediaplane.io/home",
    "torrent.torrent.qbittorrent.io/sintel",
  ]) {
    assert.ok(all.includes(name), `kubectl get mediaplane lists ${name}`);
  }
  assert.match(
    kubectl("get", "torrents", "-n", namespace, "-o", "wide").split("\n")[0] ?? "",
    /STATE\s+PROGRESS\s+SIZE\s+READY\s+REASON\s+AGE\s+NAME\s+HASH/,
  );
  assert.match(kubectl("get", "mediastacks", "-n", namespace).split("\n")[0] ?? "", /READY\s+REASON\s+APPS/);
  assert.match(
    kubectl("get", "ditto", "-n", namespace).split("\n")[0] ?? "",
    /REPLICAS\s+READY\s+REASON\s+STATUS/,
  );
  assert.match(kubectl("explain", "torrent.spec.magnet_uri"), /Immutable/);

  // A DittoServer in use is held, not deleted, and says by whom.
  await api.delete(DittoServerResource, namespace, "storage");
  await waitFor(
    async () =>
      (await conditionOf(DittoServerResource, namespace, "storage", "Finalizing"))?.reason ===
      "InUseByMediaStack",
    {
      what: "the DittoServer held with InUseByMediaStack",
    },
  );
  assert.match(
    kubectl("describe", "dittoserver", "storage", "-n", namespace),
    /MediaStack .*\/home still uses this server/,
  );
  const held = await api.get<DittoServer>(DittoServerResource, namespace, "storage");
  assert.equal(held.status?.phase, "Deleting", "STATUS says the server is being deleted");

  // Tear down: the stack's finalizer removes its Torrents (and their torrents) before its qBittorrent goes.
  await api.delete(MediaStackResource, namespace, "home");
  await waitFor(async () => (await client.torrentsInfo()).length === 0, {
    what: "every torrent removed from qBittorrent",
    timeoutMs: 60_000,
  });
  for (const torrent of torrents) {
    await waitFor(() => gone(TorrentResource, namespace, torrent.metadata.name ?? ""), {
      what: `Torrent ${torrent.metadata.name} gone`,
    });
  }
  await waitFor(() => gone(MediaStackResource, namespace, "home"), {
    what: "MediaStack gone",
    timeoutMs: 60_000,
  });
  await waitFor(() => gone(DittoServerResource, namespace, "storage"), {
    what: "DittoServer released and gone",
    timeoutMs: 60_000,
  });
  // The PV's protection finalizer lets it go once the garbage collector has deleted the stack's claim.
  await waitFor(() => gone(builtinResources.PersistentVolume, undefined, dataVolumeName(namespace, "home")), {
    what: "the stack's PV deleted (reclaimPolicy Delete)",
    timeoutMs: 60_000,
  });
  await waitFor(
    () => {
      const left = kubectl(
        "get",
        "mediaplane,deployments,statefulsets,services,networkpolicies",
        "-n",
        namespace,
        "-o",
        "name",
      ).trim();
      return left === "" ? true : undefined;
    },
    { what: "no object of ours left in the namespace", timeoutMs: 60_000 },
  );

  // Over the whole run: one Event per change, never the same Event bumped by a repeat.
  const events = await api.list<CoreV1Event>(builtinResources.Event, namespace);
  const ours = events.items.filter((event) => event.reportingComponent === "mediaplane");
  t.diagnostic(
    `${ours.length} Events: ${ours.map((event) => `${event.involvedObject.kind}/${event.reason}`).join(", ")}`,
  );
  assert.ok(ours.length > 0, "the run posted Events");
  for (const event of ours) {
    assert.equal(
      event.count ?? 1,
      1,
      `${event.involvedObject.kind}/${event.involvedObject.name} ${event.reason} was posted once, not repeated`,
    );
  }
});

function resourceOf(object: KubernetesObject): ResourceType {
  switch (object.kind) {
    case "DittoServer":
      return DittoServerResource;
    case "MediaStack":
      return MediaStackResource;
    default:
      return TorrentResource;
  }
}
