// Benchmark: the memory of one operator process holding every kind at once — N Torrents on one real
// qbittorrent-nox, M MediaStacks and M DittoServers, all Ready — its steady RSS and high-water mark.
//
// BENCH_MIXED_TORRENTS (1000), BENCH_MIXED_STACKS (50: MediaStacks, and as many DittoServers),
// BENCH_STEADY_SECONDS (30). DittoServers have serverApi.manage false: on kwok no dfs pod answers
// their REST API, and with it off Ready waits only for the StatefulSet (no ServerConfigured).
// Run alone: `npx tsx tests/bench/mixed-memory.ts`; `npm run bench` runs it too.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeConfig, V1PersistentVolume } from "@kubernetes/client-node";
import { KubeApi } from "../../operator/framework/kube-api.js";
import { builtinResources } from "../../operator/framework/resource.js";
import { DittoServerResource, type DittoServer } from "../../operator/generated/dittoserver.js";
import { MediaStackResource } from "../../operator/generated/mediastack.js";
import { TorrentResource, type Torrent } from "../../operator/generated/torrent.js";
import { startControlPlane } from "../cluster/control-plane.js";
import { startQbittorrent, type QbittorrentInstance } from "../cluster/qbittorrent.js";
import { formatResults, runWhenMain, type BenchResult } from "./bench-metrics.js";
import { readyStacks } from "./mediastack.js";
import { startBenchOperator } from "./operator-process.js";
import {
  BENCH_LABEL,
  cleanUpStacks,
  deleteQuietly,
  inPool,
  prepareStackNamespaces,
} from "./stack-fixtures.js";

const TORRENT_NAMESPACE = "bench-mixed-torrents";
const STACK_PREFIX = "bench-mixed-";
const DITTO_NAME = "bench-dfs";
const steadySeconds = Number(process.env.BENCH_STEADY_SECONDS ?? 30);
const TIMEOUT_MS = 900_000;

function torrent(i: number, prefix: string): Torrent {
  const hash = `${prefix}${i.toString(16).padStart(24, "0")}`;
  return {
    apiVersion: "torrent.qbittorrent.io/v1alpha1",
    kind: "Torrent",
    metadata: { name: `bench-${i}`, namespace: TORRENT_NAMESPACE },
    spec: { magnet_uri: `magnet:?xt=urn:btih:${hash}&dn=bench-${i}` },
  };
}

/** A SQLite DittoServer with only its metadata volume, which the operator runs but does not configure. */
function dittoServer(namespace: string): DittoServer {
  return {
    apiVersion: "dittofs.dittofs.com/v1alpha1",
    kind: "DittoServer",
    metadata: { name: DITTO_NAME, namespace },
    spec: { storage: { metadataSize: "1Gi" }, serverApi: { manage: false } },
  };
}

/** The StatefulSet's metadata claim for pod 0, pre-bound (the cluster has no provisioner). */
function dittoVolume(namespace: string): V1PersistentVolume {
  const claim = `metadata-${DITTO_NAME}-0`;
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `bench-${namespace}-${claim}`, labels: { [BENCH_LABEL]: "dittoserver" } },
    spec: {
      capacity: { storage: "1Gi" },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: "",
      hostPath: { path: `/tmp/mediaplane-bench/${namespace}/${claim}` },
      claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name: claim },
    },
  };
}

function isReady(object: {
  metadata: { generation?: number };
  status?: { observedGeneration?: number; conditions?: Array<{ type: string; status: string }> };
}): boolean {
  return (
    object.status?.observedGeneration === object.metadata.generation &&
    object.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true
  );
}

async function readyCounts(api: KubeApi, namespaces: ReadonlySet<string>): Promise<[number, number, number]> {
  const torrents = await api.list<Torrent>(TorrentResource, TORRENT_NAMESPACE);
  const available = torrents.items.filter(
    (t) =>
      t.status?.hash !== undefined &&
      t.status.conditions?.some((c) => c.type === "Available" && c.status === "True") === true,
  ).length;
  const dittos = await api.list<DittoServer>(DittoServerResource);
  const dittoReady = dittos.items.filter(
    (d) => namespaces.has(d.metadata.namespace ?? "") && isReady(d),
  ).length;
  return [available, await readyStacks(api, namespaces), dittoReady];
}

async function deleteAll(
  api: KubeApi,
  torrents: readonly Torrent[],
  namespaces: readonly string[],
): Promise<void> {
  await inPool(torrents, 64, (t) =>
    deleteQuietly(api, TorrentResource, TORRENT_NAMESPACE, t.metadata.name ?? ""),
  );
  await inPool(namespaces, 25, (ns) => deleteQuietly(api, DittoServerResource, ns, DITTO_NAME));
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const left =
      (await api.list(TorrentResource, TORRENT_NAMESPACE)).items.length +
      (await api.list(DittoServerResource)).items.filter((d) =>
        (d.metadata?.namespace ?? "").startsWith(STACK_PREFIX),
      ).length;
    if (left === 0) break;
    await sleep(1000);
  }
  await cleanUpStacks(api, namespaces);
  await deleteQuietly(api, builtinResources.Namespace, undefined, TORRENT_NAMESPACE);
}

export async function benchMixedMemory(
  kubeConfig: KubeConfig,
  kubeconfigPath: string,
  qbittorrent: QbittorrentInstance,
  torrentCount: number,
  stackCount: number,
): Promise<BenchResult> {
  const api = new KubeApi(kubeConfig);
  const namespaces = Array.from({ length: stackCount }, (_, i) => `${STACK_PREFIX}${i}`);
  const ours = new Set(namespaces);
  await api.create(builtinResources.Namespace, {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: TORRENT_NAMESPACE, labels: { [BENCH_LABEL]: "true" } },
  });
  const stacks = await prepareStackNamespaces(api, namespaces);
  await inPool(namespaces, 25, (ns) => api.create(builtinResources.PersistentVolume, dittoVolume(ns)));
  const prefix = randomBytes(8).toString("hex");
  const torrents = Array.from({ length: torrentCount }, (_, i) => torrent(i, prefix));

  const operator = await startBenchOperator(kubeconfigPath, {
    QBITTORRENT_URL: qbittorrent.url,
    QBITTORRENT_USERNAME: qbittorrent.username,
    QBITTORRENT_PASSWORD: qbittorrent.password,
  });
  try {
    const idle = operator.sample();
    const started = Date.now();
    await Promise.all([
      inPool(torrents, 64, (t) => api.create(TorrentResource, t)),
      inPool(namespaces, 25, (ns) => api.create(DittoServerResource, dittoServer(ns))),
      inPool(stacks, 25, (stack) => api.create(MediaStackResource, stack)),
    ]);
    let counts: [number, number, number] = [0, 0, 0];
    for (;;) {
      counts = await readyCounts(api, ours);
      if (counts[0] === torrentCount && counts[1] === stackCount && counts[2] === stackCount) break;
      if (Date.now() - started > TIMEOUT_MS)
        throw new Error(`not all Ready after ${TIMEOUT_MS / 1000} s: ${counts.join(", ")}`);
      await sleep(1000);
    }
    const readyMs = Date.now() - started;
    const atReady = operator.sample();
    await sleep(steadySeconds * 1000);
    const steady = operator.sample();
    return {
      name:
        `mixed memory: ${torrentCount} Torrents (one qbittorrent-nox) + ${stackCount} MediaStacks + ` +
        `${stackCount} DittoServers (serverApi.manage false), one operator process`,
      numbers: {
        "operator RSS before any object (MiB)": idle.rssMiB,
        "all Ready (s)": readyMs / 1000,
        "operator RSS when all Ready (MiB)": atReady.rssMiB,
        [`operator RSS after ${steadySeconds} s steady (MiB, goal < 150)`]: steady.rssMiB,
        "operator RSS high-water mark (MiB, goal < 150)": steady.peakRssMiB,
        "operator CPU to all Ready (s)": atReady.cpuSeconds - idle.cpuSeconds,
        [`steady ${steadySeconds} s: operator CPU (% of a core)`]:
          ((steady.cpuSeconds - atReady.cpuSeconds) / steadySeconds) * 100,
      },
    };
  } finally {
    await deleteAll(api, torrents, namespaces);
    await operator.stop();
  }
}

async function main(): Promise<void> {
  const torrentCount = Number(process.env.BENCH_MIXED_TORRENTS ?? 1000);
  const stackCount = Number(process.env.BENCH_MIXED_STACKS ?? 50);
  const cluster = await startControlPlane();
  try {
    const qbittorrent = await startQbittorrent();
    try {
      const result = await benchMixedMemory(
        cluster.kubeConfig(),
        cluster.kubeconfigPath,
        qbittorrent,
        torrentCount,
        stackCount,
      );
      process.stdout.write(`${formatResults([result])}\n`);
    } finally {
      await qbittorrent.stop();
    }
  } finally {
    await cluster.stop();
  }
}

runWhenMain(import.meta.url, main);
