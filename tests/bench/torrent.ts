// Benchmark: N Torrent CRs created at once against one qbittorrent-nox, through the operator, against
// the floor (one direct batched /torrents/add plus one status patch per object). Run it standalone.
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import winston from "winston";
import { QbittorrentClient } from "../../operator/clients/qbittorrent/client.js";
import { loadConfig } from "../../operator/config/operator-config.js";
import { startOperator } from "../../operator/main.js";
import { startControlPlane } from "../cluster/control-plane.js";
import { startQbittorrent, type QbittorrentInstance } from "../cluster/qbittorrent.js";
import { counterTotal, formatResults, measureRss, type BenchResult } from "./bench-metrics.js";

const torrentApi = { group: "torrent.qbittorrent.io", version: "v1alpha1", plural: "torrents" };
const steadySeconds = Number(process.env.BENCH_STEADY_SECONDS ?? 60);

interface Listed {
  metadata: { name: string; resourceVersion?: string };
  status?: { hash?: string; conditions?: Array<{ type: string; status: string }> };
}

/** Counts the HTTP requests the operator's qBittorrent clients send (their "qBittorrent request" debug lines). */
function requestCounter(): { log: winston.Logger; count: () => number } {
  let requests = 0;
  const sink = new Writable({
    objectMode: true,
    write(info: { message?: string }, _encoding, done) {
      if (info.message === "qBittorrent request") requests += 1;
      done();
    },
  });
  const log = winston.createLogger({
    level: "debug",
    transports: [new winston.transports.Stream({ stream: sink })],
  });
  return { log, count: () => requests };
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

function magnets(n: number): Array<{ name: string; hash: string; magnet: string }> {
  const prefix = randomBytes(8).toString("hex");
  return Array.from({ length: n }, (_, i) => {
    const hash = `${prefix}${i.toString(16).padStart(24, "0")}`;
    return { name: `bench-${i}`, hash, magnet: `magnet:?xt=urn:btih:${hash}&dn=bench-${i}` };
  });
}

async function createCrs(
  custom: CustomObjectsApi,
  namespace: string,
  items: ReturnType<typeof magnets>,
): Promise<void> {
  await inBatches(items, 50, (item) =>
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

async function listTorrents(custom: CustomObjectsApi, namespace: string): Promise<Listed[]> {
  return ((await custom.listNamespacedCustomObject({ ...torrentApi, namespace })) as { items: Listed[] })
    .items;
}

/** The floor: create the CRs, one batched add, wait until qBittorrent lists them, one status patch each. */
async function floor(
  kubeConfig: KubeConfig,
  qbittorrent: QbittorrentInstance,
  namespace: string,
  n: number,
): Promise<number> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const client = new QbittorrentClient({ ...qbittorrent, timeoutMs: 60_000 });
  const items = magnets(n);
  const started = Date.now();
  await createCrs(custom, namespace, items);
  await client.addTorrents({ urls: items.map((item) => item.magnet), tags: ["mediaplane"] });
  for (;;) {
    const present = new Set((await client.torrentsInfo(items.map((item) => item.hash))).map((t) => t.hash));
    if (items.every((item) => present.has(item.hash))) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const now = new Date().toISOString();
  await inBatches(items, 50, (item) =>
    custom.patchNamespacedCustomObjectStatus(
      {
        ...torrentApi,
        namespace,
        name: item.name,
        body: {
          status: {
            hash: item.hash,
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
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    ),
  );
  const elapsed = Date.now() - started;
  await client.deleteTorrents(
    items.map((item) => item.hash),
    false,
  );
  await custom.deleteCollectionNamespacedCustomObject({ ...torrentApi, namespace });
  client.close();
  return elapsed;
}

export async function benchTorrent(
  kubeConfig: KubeConfig,
  qbittorrent: QbittorrentInstance,
  namespace: string,
  n: number,
): Promise<BenchResult> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const floorNamespace = `${namespace}-floor`;
  await core.createNamespace({ body: { metadata: { name: floorNamespace } } });
  // The floor runs first, without an operator watching, and leaves nothing behind.
  const floorMs = await floor(kubeConfig, qbittorrent, floorNamespace, n);

  const counter = requestCounter();
  const running = await startOperator(
    loadConfig({
      MEDIAPLANE_LEADER_ELECTION: "false",
      MEDIAPLANE_PROBE_HOST: "127.0.0.1",
      MEDIAPLANE_PROBE_PORT: "0",
      QBITTORRENT_URL: qbittorrent.url,
      QBITTORRENT_USERNAME: qbittorrent.username,
      QBITTORRENT_PASSWORD: qbittorrent.password,
    }),
    kubeConfig,
    { log: counter.log },
  );
  const registry = running.operator.metrics.registry;
  try {
    const items = magnets(n);
    const requestsBefore = counter.count();
    const started = Date.now();
    await createCrs(custom, namespace, items);
    for (;;) {
      const listed = await listTorrents(custom, namespace);
      const converged = listed.filter(
        (t) =>
          t.status?.hash && t.status.conditions?.some((c) => c.type === "Available" && c.status === "True"),
      ).length;
      if (converged === n) break;
      if (Date.now() - started > 900_000)
        throw new Error(`only ${converged}/${n} converged after 15 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const convergedMs = Date.now() - started;
    const convergenceRequests = counter.count() - requestsBefore;

    // Steady state: qBittorrent requests, status writes, any Torrent or Event write in the namespace.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const versions = new Map(
      (await listTorrents(custom, namespace)).map((t) => [t.metadata.name, t.metadata.resourceVersion]),
    );
    const writesBefore = await counterTotal(registry, "mediaplane_status_writes_total", {
      controller: "torrent",
    });
    const steadyRequestsBefore = counter.count();
    const steadyStart = new Date();
    await new Promise((resolve) => setTimeout(resolve, steadySeconds * 1000));
    const perMinute = 60 / steadySeconds;
    const statusWrites =
      (await counterTotal(registry, "mediaplane_status_writes_total", { controller: "torrent" })) -
      writesBefore;
    const changedTorrents = (await listTorrents(custom, namespace)).filter(
      (t) => versions.get(t.metadata.name) !== t.metadata.resourceVersion,
    ).length;
    const events = (await core.listNamespacedEvent({ namespace })).items.filter(
      (event) =>
        new Date(event.lastTimestamp ?? event.eventTime ?? 0).getTime() >= steadyStart.getTime() - 1000,
    ).length;
    return {
      name: `torrent: ${n} Torrents on one qbittorrent-nox`,
      numbers: {
        "converged: hash + Available=True (s)": convergedMs / 1000,
        "floor: batched add + patches (s)": floorMs / 1000,
        "ratio to floor": convergedMs / floorMs,
        "qBittorrent requests to converge": convergenceRequests,
        "qBittorrent requests / min steady": (counter.count() - steadyRequestsBefore) * perMinute,
        "status writes / min steady": statusWrites * perMinute,
        "Torrents changed / min steady": changedTorrents * perMinute,
        "Events written / min steady": events * perMinute,
        "process RSS (MiB)": measureRss(),
      },
    };
  } finally {
    await running.stop();
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
        results.push(await benchTorrent(kubeConfig, qbittorrent, namespace, n));
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
