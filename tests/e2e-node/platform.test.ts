// End to end on the real node, the way a user's cluster runs it: `helm install` of the chart with the
// operator image built here, then samples/platform with the stack's qBittorrent and the DittoServer as
// real pods. The Torrent controller reaches qBittorrent by Service DNS with the generated Secret (no
// URL alias), the operator's SIGTERM handling hands leadership over, and deletion leaves nothing.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { CoordinationV1Api, CoreV1Api } from "@kubernetes/client-node";
import type { KubernetesObject, V1Pod, V1Secret } from "@kubernetes/client-node";
import { QbittorrentClient } from "../../operator/clients/qbittorrent/client.js";
import {
  dataVolumeName,
  qbittorrentCredentialsSecretName,
} from "../../operator/controllers/mediastack/names.js";
import { KubeApi, isNotFound } from "../../operator/framework/kube-api.js";
import { builtinResources, type ResourceType } from "../../operator/framework/resource.js";
import { DittoServerResource } from "../../operator/generated/dittoserver.js";
import { MediaStackResource } from "../../operator/generated/mediastack.js";
import { TorrentResource, type Torrent } from "../../operator/generated/torrent.js";
import { startDemoProvisioner } from "../cluster/demo-provisioner.js";
import { testRealNode } from "../cluster/node/real-node-handle.js";
import {
  installOperatorChart,
  preparePlatformImages,
  realNodeDataClaim,
  realNodePlatformObjects,
} from "../cluster/real-node-platform.js";
import type { PlatformImages } from "../cluster/real-node-platform.js";
import { testBinaries, testCluster, testKubeconfigPath, waitFor } from "../integration/support/cluster.js";

const node = testRealNode();
const kubeConfig = testCluster();
const api = new KubeApi(kubeConfig);
const core = kubeConfig.makeApiClient(CoreV1Api);
const leases = kubeConfig.makeApiClient(CoordinationV1Api);
const operatorNamespace = "mediaplane-system";
const namespace = "media";
const release = "mediaplane";
const run = (binary: string, args: string[]): string =>
  execFileSync(binary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const kubectl = (...args: string[]): string =>
  run(testBinaries().kubectl, [`--kubeconfig=${testKubeconfigPath()}`, ...args]);
const helm = (...args: string[]): string =>
  run(testBinaries().helm, [`--kubeconfig=${testKubeconfigPath()}`, ...args]);

type WithConditions = KubernetesObject & {
  status?: { conditions?: Array<{ type: string; status: string; reason: string }> };
};

let images: PlatformImages;

before(async () => {
  images = await preparePlatformImages(node);
});

async function ready(resource: ResourceType, ns: string, name: string, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    async () => {
      const object = await api.get<WithConditions>(resource, ns, name);
      return object.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    },
    { what: `${resource.kind} ${ns}/${name} Ready`, timeoutMs },
  );
}

async function gone(resource: ResourceType, ns: string | undefined, name: string): Promise<boolean> {
  try {
    await api.get(resource, ns, name);
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

async function operatorPods(): Promise<V1Pod[]> {
  const { items } = await core.listNamespacedPod({
    namespace: operatorNamespace,
    labelSelector: "app.kubernetes.io/name=mediaplane",
  });
  return items.filter((pod) => pod.metadata?.deletionTimestamp === undefined);
}

async function leaseHolder(): Promise<string | undefined> {
  const lease = await leases.readNamespacedLease({ namespace: operatorNamespace, name: release });
  return lease.spec?.holderIdentity ?? undefined;
}

/** Every path in the operator image's last layer (the app layer), read from the archive once unpacked. */
function appLayerFiles(archive: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "mediaplane-image-"));
  try {
    run("tar", ["-xf", archive, "-C", dir]);
    const json = <T>(path: string): T => JSON.parse(readFileSync(join(dir, path), "utf8")) as T;
    const blob = (digest: string): string => `blobs/sha256/${digest.slice("sha256:".length)}`;
    const index = json<{ manifests: Array<{ digest: string }> }>("index.json");
    const manifest = json<{ layers: Array<{ digest: string }> }>(blob(index.manifests[0]?.digest ?? ""));
    const layer = join(dir, blob(manifest.layers.at(-1)?.digest ?? ""));
    return execFileSync("tar", ["-tf", layer], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })
      .split("\n")
      .filter((line) => line !== "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the operator image has the Dockerfile's layout: dist, exactly npm ci --omit=dev's node_modules, Node 20", () => {
  const files = new Set(appLayerFiles(images.operator.archive));
  assert.ok(files.has("./app/package.json"));
  assert.ok(files.has("./app/dist/operator/main.js"));
  assert.ok(files.has("./usr/local/bin/node"));
  // The lock file marks what only development needs (`dev: true`): that, and only that, stays out.
  const lock = JSON.parse(readFileSync(new URL("../../package-lock.json", import.meta.url), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const topLevel = Object.entries(lock.packages).filter(
    ([path]) =>
      path.startsWith("node_modules/") && !path.slice("node_modules/".length).includes("node_modules/"),
  );
  assert.ok(
    topLevel.some(([, entry]) => entry.dev === true),
    "the lock has development-only packages",
  );
  for (const [path, entry] of topLevel) {
    assert.equal(files.has(`./app/${path}/package.json`), entry.dev !== true, path);
  }
  assert.match(run(process.execPath, ["--version"]), /^v20\./, "the image's node is this host's Node 20");
});

test("helm install runs the operator image as two replicas under the chart's ServiceAccount; one leads", async () => {
  installOperatorChart({
    helm: testBinaries().helm,
    kubeconfigPath: testKubeconfigPath(),
    release,
    namespace: operatorNamespace,
    image: images.operator,
    replicas: 2,
    logLevel: "debug",
  });
  const pods = await operatorPods();
  assert.equal(pods.length, 2);
  for (const pod of pods) {
    assert.equal(pod.spec?.nodeName, node.name);
    assert.equal(pod.spec?.serviceAccountName, release);
    assert.equal(pod.spec?.containers[0]?.image, images.operator.reference);
  }
  // The Lease may still name a pod of an earlier install (the wiring and monitoring tests install the
  // same release; an uninstall removes the Role before its pod can release the lease): wait until it
  // expires and one of these replicas holds it.
  let lastHolder: string | undefined;
  const holder = await waitFor(
    async () => {
      lastHolder = await leaseHolder();
      return pods.some((pod) => pod.metadata?.name === lastHolder) ? lastHolder : undefined;
    },
    { what: "one of the two replicas to take the lease", timeoutMs: 60_000 },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; the lease is held by ${lastHolder ?? "nobody"}`);
  });
  assert.ok(holder);
});

function resourceOf(object: KubernetesObject): ResourceType {
  if (object.kind === "DittoServer") return DittoServerResource;
  if (object.kind === "MediaStack") return MediaStackResource;
  return TorrentResource;
}

test("samples/platform runs as real pods; Torrents reach the stack's qBittorrent by Service DNS; teardown leaves nothing", async (t) => {
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  t.after(() => core.deleteNamespace({ name: namespace }).catch(() => undefined));
  await waitFor(() => core.readNamespacedServiceAccount({ namespace, name: "default" }), {
    what: "the namespace's default ServiceAccount",
  });
  const stopProvisioner = startDemoProvisioner(kubeConfig, namespace, join(node.tempDir, "volumes"), {
    createDirectories: true,
  });
  t.after(stopProvisioner);
  await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: {
      metadata: { name: realNodeDataClaim },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    },
  });
  const objects = realNodePlatformObjects(namespace, images);
  for (const object of objects) await api.create({ ...resourceOf(object), namespaced: true }, object);
  const torrents = objects.filter((o) => o.kind === "Torrent") as Torrent[];

  await ready(DittoServerResource, namespace, "storage");
  await ready(MediaStackResource, namespace, "home");
  for (const torrent of torrents) await ready(TorrentResource, namespace, torrent.metadata.name ?? "");

  // Real pods on the real node, the init containers' scripts run in their images.
  const { items: pods } = await core.listNamespacedPod({ namespace });
  const qbittorrentPod = pods.find((pod) => pod.metadata?.name?.startsWith("home-qbittorrent-"));
  const dittoPod = pods.find((pod) => pod.metadata?.name === "storage-0");
  for (const pod of [qbittorrentPod, dittoPod]) {
    assert.equal(pod?.spec?.nodeName, node.name);
    assert.equal(pod?.status?.phase, "Running");
    for (const init of pod?.status?.initContainerStatuses ?? []) {
      assert.equal(init.state?.terminated?.exitCode, 0, `init container ${init.name} ran and succeeded`);
    }
  }

  // The torrents are in the pod's qBittorrent, read with the Secret the stack generated.
  const secret: V1Secret = await core.readNamespacedSecret({
    namespace,
    name: qbittorrentCredentialsSecretName("home"),
  });
  const field = (key: string): string => Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8");
  const client = new QbittorrentClient({
    url: `http://${qbittorrentPod?.status?.podIP ?? ""}:8080`,
    username: field("username"),
    password: field("password"),
    timeoutMs: 5000,
  });
  assert.equal((await client.torrentsInfo()).length, torrents.length);

  // No alias anywhere: the operator pods carry none, and their logs show the reconciles.
  const operator = (await operatorPods())[0];
  const env = operator?.spec?.containers[0]?.env ?? [];
  assert.equal(
    env.some((variable) => variable.name === "MEDIAPLANE_QBITTORRENT_URL_ALIASES"),
    false,
  );
  const holder = (await leaseHolder()) ?? "";
  const logs = kubectl("logs", "-n", operatorNamespace, holder);
  assert.match(logs, /"reconciled"/);
  assert.match(logs, new RegExp(`${namespace}/big-buck-bunny`));

  // Teardown: the stack's finalizer removes its Torrents and their torrents before its qBittorrent goes.
  await api.delete(MediaStackResource, namespace, "home");
  await waitFor(async () => (await client.torrentsInfo()).length === 0, {
    what: "every torrent removed from the pod's qBittorrent",
    timeoutMs: 90_000,
  });
  await waitFor(() => gone(MediaStackResource, namespace, "home"), {
    what: "MediaStack gone",
    timeoutMs: 90_000,
  });
  await api.delete(DittoServerResource, namespace, "storage");
  await waitFor(() => gone(DittoServerResource, namespace, "storage"), {
    what: "DittoServer gone",
    timeoutMs: 90_000,
  });
  for (const torrent of torrents)
    assert.ok(await gone(TorrentResource, namespace, torrent.metadata.name ?? ""));
  await waitFor(async () => (await core.listNamespacedPod({ namespace })).items.length === 0, {
    what: "no pod left in the namespace",
    timeoutMs: 90_000,
  });
  assert.ok(
    await gone(builtinResources.PersistentVolume, undefined, dataVolumeName(namespace, "home")),
    "no PV rendered by the stack",
  );
});

test("deleting the leading operator pod: our SIGTERM handler exits it (no SIGKILL) and the other replica leads", async () => {
  const holder = (await leaseHolder()) ?? "";
  const pods = await operatorPods();
  const other = pods.find((pod) => pod.metadata?.name !== holder)?.metadata?.name;
  assert.ok(other);
  let lastTerminated: { exitCode: number; signal?: number; reason?: string } | undefined;
  const watcher = setInterval(() => {
    core
      .readNamespacedPod({ namespace: operatorNamespace, name: holder })
      .then((pod) => {
        lastTerminated = pod.status?.containerStatuses?.[0]?.state?.terminated ?? lastTerminated;
      })
      .catch(() => undefined);
  }, 100);
  const started = performance.now();
  kubectl("delete", "pod", "-n", operatorNamespace, holder, "--wait=true", "--timeout=60s");
  const seconds = (performance.now() - started) / 1000;
  clearInterval(watcher);
  process.stderr.write(`kubectl delete pod of the leading operator took ${seconds.toFixed(1)} s\n`);
  // Without our handlers Node as PID 1 ignores SIGTERM and the kubelet SIGKILLs it (137) at the end of
  // the grace period: the deletion could not finish before it.
  const grace = pods.find((pod) => pod.metadata?.name === holder)?.spec?.terminationGracePeriodSeconds ?? 30;
  assert.ok(
    seconds < grace,
    `deleted in ${seconds.toFixed(1)} s, before the ${grace} s grace period ran out`,
  );
  if (lastTerminated !== undefined)
    assert.notEqual(lastTerminated.exitCode, 137, JSON.stringify(lastTerminated));
  // The standing replica usually takes the released lease, but the Deployment's replacement pod
  // races it for the same lease: either is a second replica leading; the deleted pod must not.
  const newLeader = await waitFor(
    async () => {
      const now = await leaseHolder();
      if (now === undefined || now === "" || now === holder) return undefined;
      return (await operatorPods()).some((pod) => pod.metadata?.name === now) ? now : undefined;
    },
    {
      what: `leadership to move from ${holder} to another running replica (${other} or its replacement)`,
      timeoutMs: 60_000,
    },
  );
  process.stderr.write(
    `leadership moved to ${newLeader === other ? "the standing replica" : "the replacement pod"}\n`,
  );
  helm("uninstall", release, "--namespace", operatorNamespace, "--wait", "--timeout=2m");
  await waitFor(async () => (await operatorPods()).length === 0, {
    what: "the operator's pods gone after helm uninstall",
    timeoutMs: 60_000,
  });
});
