// Benchmark: N Torrent CRs created at once, then deleted at once, through the operator as its own
// process against one qbittorrent-nox behind a counting proxy, each beside its floor from the same run.
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubeConfig,
} from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { QbittorrentClient } from "../../operator/clients/qbittorrent/client.js";
import { startControlPlane } from "../cluster/control-plane.js";
import { startQbittorrent, type QbittorrentInstance } from "../cluster/qbittorrent.js";
import { apiserverWrites, writesBetween } from "./apiserver-writes.js";
import { formatResults, runWhenMain, type BenchResult } from "./bench-metrics.js";
import { startCountingProxy } from "./counting-proxy.js";
import { startBenchOperator } from "./operator-process.js";

const torrentApi = { group: "torrent.qbittorrent.io", version: "v1alpha1", plural: "torrents" };
const finalizer = "torrent.qbittorrent.io/finalizer";
/** The concurrency of every direct API call of the floors (and of the benchmark's creates and deletes). */
const concurrency = 64;
const steadySeconds = Number(process.env.BENCH_STEADY_SECONDS ?? 60);
const writeResources = ["torrents", "events"];

interface Item {
  name: string;
  hash: string;
  magnet: string;
}

interface Watched {
  type: string;
  object: {
    metadata: { name: string };
    status?: { hash?: string; conditions?: Array<{ type: string; status: string }> };
  };
}

/** Runs `work` over `items` with at most `concurrency` at once. */
async function pool<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function magnets(n: number): Item[] {
  const prefix = randomBytes(8).toString("hex");
  return Array.from({ length: n }, (_, i) => {
    const hash = `${prefix}${i.toString(16).padStart(24, "0")}`;
    return { name: `bench-${i}`, hash, magnet: `magnet:?xt=urn:btih:${hash}&dn=bench-${i}` };
  });
}

async function createCrs(custom: CustomObjectsApi, namespace: string, items: readonly Item[]): Promise<void> {
  await pool(items, (item) =>
    custom.createNamespacedCustomObject({
      ...torrentApi,
      namespace,
      body: {
        apiVersion: "torrent.qbittorrent.io/v1alpha1",
        kind: "Torrent",
        metadata: { name: item.name },
        spec: { magnet_uri: item.magnet },
      },
    }),
  );
}

async function deleteCrs(custom: CustomObjectsApi, namespace: string, items: readonly Item[]): Promise<void> {
  await pool(items, (item) =>
    custom.deleteNamespacedCustomObject({ ...torrentApi, namespace, name: item.name }),
  );
}

/**
 * Watches the namespace's Torrents from now on: resolves `converged` once all `n` have status.hash and
 * Available=True, and `deleted` once `n` were deleted. Exact to the event, unlike polling a list.
 */
async function watchTorrents(
  kubeConfig: KubeConfig,
  namespace: string,
  n: number,
): Promise<{ converged: Promise<number>; deleted: Promise<number>; stop: () => void }> {
  const done = new Set<string>();
  const gone = new Set<string>();
  let converged!: (at: number) => void;
  let deleted!: (at: number) => void;
  const convergedAt = new Promise<number>((resolve) => (converged = resolve));
  const deletedAt = new Promise<number>((resolve) => (deleted = resolve));
  const request = await new Watch(kubeConfig).watch(
    `/apis/${torrentApi.group}/${torrentApi.version}/namespaces/${namespace}/${torrentApi.plural}`,
    {},
    (type: string, object: Watched["object"]) => {
      const name = object.metadata.name;
      if (type === "DELETED") {
        gone.add(name);
        if (gone.size === n) deleted(Date.now());
        return;
      }
      const available = object.status?.conditions?.some((c) => c.type === "Available" && c.status === "True");
      if (object.status?.hash && available) done.add(name);
      if (done.size === n) converged(Date.now());
    },
    () => undefined,
  );
  return { converged: convergedAt, deleted: deletedAt, stop: () => request.abort() };
}

/** Polls qBittorrent (directly, not through the proxy) until none of `items` is left; resolves then. */
async function noneLeftIn(client: QbittorrentClient, items: readonly Item[]): Promise<number> {
  for (;;) {
    if ((await client.torrentsInfo(items.map((item) => item.hash))).length === 0) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function until<T>(promise: Promise<T>, what: string, timeoutMs = 900_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/**
 * The floors, no operator watching: converge = create, one batched add, wait until qBittorrent lists
 * them, then per Torrent one finalizer patch and one status patch; delete = delete the CRs, one
 * batched delete, one finalizer patch each. Returns both in milliseconds and leaves nothing behind.
 */
async function floors(
  kubeConfig: KubeConfig,
  qbittorrent: QbittorrentInstance,
  namespace: string,
  n: number,
): Promise<{ convergeMs: number; deleteMs: number }> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const client = new QbittorrentClient({ ...qbittorrent, timeoutMs: 60_000 });
  const items = magnets(n);
  try {
    const started = Date.now();
    await createCrs(custom, namespace, items);
    await client.addTorrents({ urls: items.map((item) => item.magnet), tags: ["mediaplane"] });
    for (;;) {
      const present = new Set((await client.torrentsInfo(items.map((item) => item.hash))).map((t) => t.hash));
      if (items.every((item) => present.has(item.hash))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const now = new Date().toISOString();
    await pool(items, async (item) => {
      await custom.patchNamespacedCustomObject(
        { ...torrentApi, namespace, name: item.name, body: { metadata: { finalizers: [finalizer] } } },
        merge,
      );
      await custom.patchNamespacedCustomObjectStatus(
        {
          ...torrentApi,
          namespace,
          name: item.name,
          body: {
            status: {
              hash: item.hash,
              adopted: false,
              conditions: [
                {
                  type: "Available",
                  status: "True",
                  reason: "TorrentActive",
                  message: "",
                  lastTransitionTime: now,
                },
              ],
            },
          },
        },
        merge,
      );
    });
    const convergeMs = Date.now() - started;

    const deleteStarted = Date.now();
    await deleteCrs(custom, namespace, items);
    await client.deleteTorrents(
      items.map((item) => item.hash),
      false,
    );
    await pool(items, (item) =>
      custom.patchNamespacedCustomObject(
        { ...torrentApi, namespace, name: item.name, body: { metadata: { finalizers: null } } },
        merge,
      ),
    );
    const deleteMs = Date.now() - deleteStarted;
    return { convergeMs, deleteMs };
  } finally {
    client.close();
  }
}

export async function benchTorrent(
  kubeConfig: KubeConfig,
  kubeconfigPath: string,
  qbittorrent: QbittorrentInstance,
  namespace: string,
  n: number,
): Promise<BenchResult> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const floorNamespace = `${namespace}-floor`;
  await core.createNamespace({ body: { metadata: { name: floorNamespace } } });
  const floor = await floors(kubeConfig, qbittorrent, floorNamespace, n);

  const proxy = await startCountingProxy(qbittorrent.url);
  const direct = new QbittorrentClient({ ...qbittorrent, timeoutMs: 60_000 });
  const operator = await startBenchOperator(kubeconfigPath, {
    QBITTORRENT_URL: proxy.url,
    QBITTORRENT_USERNAME: qbittorrent.username,
    QBITTORRENT_PASSWORD: qbittorrent.password,
  });
  try {
    const items = magnets(n);
    const watch = await watchTorrents(kubeConfig, namespace, n);
    const idle = operator.sample();
    const requestsBefore = proxy.total();
    const writesBefore = await apiserverWrites(kubeConfig);
    const started = Date.now();
    await createCrs(custom, namespace, items);
    const convergedAt = await until(watch.converged, `${n} Torrents converged`);
    const converged = operator.sample();
    const convergeRequests = proxy.total() - requestsBefore;
    // The benchmark's own creates are not the operator's writes.
    const convergeWrites = writesBetween(writesBefore, await apiserverWrites(kubeConfig), writeResources) - n;

    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const steadyStart = operator.sample();
    const steadyRequests = proxy.total();
    const steadyWrites = await apiserverWrites(kubeConfig);
    await new Promise((resolve) => setTimeout(resolve, steadySeconds * 1000));
    const steadyEnd = operator.sample();
    if (process.env.BENCH_HEAP_SNAPSHOT === "1") {
      process.kill(operator.pid, "SIGUSR2");
      await new Promise((resolve) => setTimeout(resolve, 20_000));
    }
    const perMinute = 60 / steadySeconds;
    const steadyWriteCount = writesBetween(steadyWrites, await apiserverWrites(kubeConfig), writeResources);
    const steadyRequestCount = proxy.total() - steadyRequests;

    const deleteRequestsBefore = proxy.total();
    const deleteWritesBefore = await apiserverWrites(kubeConfig);
    const deleteStarted = Date.now();
    const emptied = noneLeftIn(direct, items);
    await deleteCrs(custom, namespace, items);
    const emptiedAt = await until(emptied, "no torrent left in qBittorrent");
    const deletedAt = await until(watch.deleted, `${n} Torrents deleted`);
    watch.stop();
    const deleteWrites =
      writesBetween(deleteWritesBefore, await apiserverWrites(kubeConfig), writeResources) - n;
    const deleted = operator.sample();

    return {
      name: `torrent: ${n} Torrents on one qbittorrent-nox (operator as its own process)`,
      numbers: {
        "converge: hash + Available=True (s)": (convergedAt - started) / 1000,
        "converge floor (s)": floor.convergeMs / 1000,
        "converge ratio to floor (goal <= 1.5)": (convergedAt - started) / floor.convergeMs,
        "converge: apiserver writes (floor 2N)": convergeWrites,
        "converge: qBittorrent requests": convergeRequests,
        "converge: operator CPU (s)": converged.cpuSeconds - idle.cpuSeconds,
        "delete: none left in qBittorrent (s)": (emptiedAt - deleteStarted) / 1000,
        "delete: all CRs gone (s)": (deletedAt - deleteStarted) / 1000,
        "delete floor (s)": floor.deleteMs / 1000,
        "delete ratio to floor (goal <= 1.5)": (deletedAt - deleteStarted) / floor.deleteMs,
        "delete: apiserver writes (floor N)": deleteWrites,
        "delete: qBittorrent requests": proxy.total() - deleteRequestsBefore,
        "steady: qBittorrent requests / min": steadyRequestCount * perMinute,
        "steady: apiserver writes / min": steadyWriteCount * perMinute,
        "steady: operator CPU (% of a core)":
          ((steadyEnd.cpuSeconds - steadyStart.cpuSeconds) / steadySeconds) * 100,
        "steady: operator RSS (MiB)": steadyEnd.rssMiB,
        "operator RSS high-water mark (MiB)": deleted.peakRssMiB,
      },
    };
  } finally {
    await operator.stop();
    direct.close();
    await proxy.close();
  }
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_TORRENT_SIZES ?? "100,1000").split(",").map(Number);
  const cluster = await startControlPlane();
  const results: BenchResult[] = [];
  try {
    const kubeConfig = cluster.kubeConfig();
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const qbittorrent = await startQbittorrent();
    try {
      for (const n of sizes) {
        const namespace = `bench-torrent-${n}`;
        await core.createNamespace({ body: { metadata: { name: namespace } } });
        results.push(await benchTorrent(kubeConfig, cluster.kubeconfigPath, qbittorrent, namespace, n));
        process.stdout.write(`${formatResults(results.slice(-1))}\n`);
      }
    } finally {
      await qbittorrent.stop();
    }
  } finally {
    await cluster.stop();
  }
  process.stdout.write(`\n${formatResults(results)}\n`);
}

runWhenMain(import.meta.url, main);
