// Benchmark: N minimal MediaStacks created at once through the operator as its own process, beside the
// floor of applying the same rendered children directly (same run, fresh namespaces), status writes to Ready.
//
// BENCH_STACKS (50): stacks, one per namespace. BENCH_STEADY_SECONDS (30): the steady-state window.
// Run alone: `npx tsx tests/bench/mediastack.ts`; `npm run bench` runs it too.
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { loadConfig } from "../../operator/config/operator-config.js";
import { KubeApi } from "../../operator/framework/kube-api.js";
import { builtinResources, type ResourceType } from "../../operator/framework/resource.js";
import { MediaStackResource, type MediaStack } from "../../operator/generated/mediastack.js";
import { startControlPlane } from "../cluster/control-plane.js";
import { apiserverWrites, writesBetween } from "./apiserver-writes.js";
import { formatResults, runWhenMain, type BenchResult } from "./bench-metrics.js";
import { mediaStackFloor, renderNewStack } from "./mediastack-floor.js";
import { freePort, operatorCounter } from "./operator-metrics.js";
import { startBenchOperator } from "./operator-process.js";
import { cleanUpStacks, inPool, prepareStackNamespaces } from "./stack-fixtures.js";
import { formatStatusReport, traceStatus } from "./status-trace.js";

const NAMESPACE_PREFIX = "bench-stack-";
const FLOOR_PREFIX = "bench-stack-floor-";
const steadySeconds = Number(process.env.BENCH_STEADY_SECONDS ?? 30);
const TIMEOUT_MS = 600_000;
const managedBy = "app.kubernetes.io/managed-by=mediaplane";
/** The MediaStack controller's concurrency as the operator process runs it (MEDIAPLANE_CONCURRENCY unset). */
export const mediaStackConcurrency = loadConfig({}).concurrency;

/** The children one stack renders, by kind ("Deployment" → 5); the volume is cluster-scoped and counted apart. */
function childrenByKind(stack: MediaStack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const child of renderNewStack(stack).children)
    counts.set(child.kind ?? "", (counts.get(child.kind ?? "") ?? 0) + 1);
  return counts;
}

async function countByNamespace(api: KubeApi, resource: ResourceType): Promise<Map<string, number>> {
  const { items } = await api.list<KubernetesObject>(resource, undefined, { labelSelector: managedBy });
  const counts = new Map<string, number>();
  for (const item of items) {
    const namespace = item.metadata?.namespace ?? "";
    counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
  }
  return counts;
}

/** Every namespace has every child its stack renders, and its data volume. */
async function allChildrenApplied(
  api: KubeApi,
  namespaces: readonly string[],
  expected: ReadonlyMap<string, number>,
): Promise<boolean> {
  const kinds = [...expected.keys()];
  const counts = await Promise.all(
    kinds.map((kind) =>
      countByNamespace(api, builtinResources[kind as keyof typeof builtinResources] as ResourceType),
    ),
  );
  const volumes = await api.list(builtinResources.PersistentVolume, undefined, {
    labelSelector: "mediaplane.io/stack-name",
  });
  const withVolume = new Set(volumes.items.map((v) => v.metadata?.labels?.["mediaplane.io/stack-namespace"]));
  return namespaces.every(
    (ns) => withVolume.has(ns) && kinds.every((kind, i) => counts[i]?.get(ns) === expected.get(kind)),
  );
}

export async function readyStacks(api: KubeApi, namespaces: ReadonlySet<string>): Promise<number> {
  const { items } = await api.list<MediaStack>(MediaStackResource);
  return items.filter(
    (s) =>
      namespaces.has(s.metadata.namespace ?? "") &&
      s.status?.observedGeneration === s.metadata.generation &&
      s.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true,
  ).length;
}

/** Applies the rendered children of `count` stacks directly, on namespaces of their own; then removes them. */
async function measureFloor(api: KubeApi, count: number): Promise<number> {
  const namespaces = Array.from({ length: count }, (_, i) => `${FLOOR_PREFIX}${i}`);
  const stacks = await prepareStackNamespaces(api, namespaces);
  try {
    return await mediaStackFloor(api, stacks, mediaStackConcurrency);
  } finally {
    await cleanUpStacks(api, namespaces);
  }
}

export async function benchMediaStack(
  kubeConfig: KubeConfig,
  kubeconfigPath: string,
  count: number,
): Promise<BenchResult> {
  const api = new KubeApi(kubeConfig);
  const floorMs = await measureFloor(api, count);

  const namespaces = Array.from({ length: count }, (_, i) => `${NAMESPACE_PREFIX}${i}`);
  const stacks = await prepareStackNamespaces(api, namespaces);
  const expected = childrenByKind(stacks[0]);
  const metricsPort = await freePort();
  const operator = await startBenchOperator(kubeconfigPath, {
    MEDIAPLANE_PROBE_PORT: String(metricsPort),
    // Required by the Torrent controller; nothing here creates a Torrent, so it is never called.
    QBITTORRENT_URL: "http://127.0.0.1:9",
  });
  const operatorWrites = (): Promise<number> =>
    operatorCounter(metricsPort, "mediaplane_status_writes_total", { controller: "mediastack" });
  const statusWrites = async (): Promise<Map<string, number>> => apiserverWrites(kubeConfig);
  const ours = new Set(namespaces);
  try {
    const trace = await traceStatus(kubeConfig, ours);
    const idle = operator.sample();
    const apiserverBefore = await statusWrites();
    const operatorBefore = await operatorWrites();
    const started = Date.now();
    await inPool(stacks, 25, (stack) => api.create(MediaStackResource, stack));
    let appliedMs: number | undefined;
    let readyMs: number | undefined;
    while (readyMs === undefined) {
      if (Date.now() - started > TIMEOUT_MS)
        throw new Error(`not all ${count} stacks Ready after ${TIMEOUT_MS / 1000}s`);
      if (appliedMs === undefined && (await allChildrenApplied(api, namespaces, expected)))
        appliedMs = Date.now() - started;
      if (appliedMs !== undefined && (await readyStacks(api, ours)) === count) readyMs = Date.now() - started;
      else await sleep(250);
    }
    const ready = operator.sample();
    const apiserverAtReady = await statusWrites();
    const operatorAtReady = await operatorWrites();
    await sleep(steadySeconds * 1000);
    const steadyEnd = operator.sample();
    const apiserverSteady = writesBetween(apiserverAtReady, await statusWrites(), ["mediastacks/status"]);
    const operatorSteady = (await operatorWrites()) - operatorAtReady;
    trace.stop();
    process.stdout.write(`${formatStatusReport(trace.changes(), started, started + readyMs)}\n`);
    const applied = (appliedMs ?? 0) / 1000;
    return {
      name: `mediastack: ${count} minimal stacks, ${count} namespaces (operator as its own process, concurrency ${mediaStackConcurrency})`,
      numbers: {
        "all children applied (s)": applied,
        "floor: same rendered children by SSA (s)": floorMs / 1000,
        "children applied / floor (goal <= 2)": applied / (floorMs / 1000),
        "all stacks Ready (s)": readyMs / 1000,
        "status writes per stack to Ready, apiserver (goal <= 2)":
          writesBetween(apiserverBefore, apiserverAtReady, ["mediastacks/status"]) / count,
        "status writes per stack to Ready, operator metric": (operatorAtReady - operatorBefore) / count,
        [`steady ${steadySeconds} s: status writes, apiserver (goal 0)`]: apiserverSteady,
        [`steady ${steadySeconds} s: status writes, operator metric`]: operatorSteady,
        [`steady ${steadySeconds} s: operator CPU (% of a core)`]:
          ((steadyEnd.cpuSeconds - ready.cpuSeconds) / steadySeconds) * 100,
        "operator CPU to Ready (s)": ready.cpuSeconds - idle.cpuSeconds,
        "operator RSS at steady state (MiB)": steadyEnd.rssMiB,
        "operator RSS high-water mark (MiB)": steadyEnd.peakRssMiB,
      },
    };
  } finally {
    await cleanUpStacks(api, namespaces);
    await operator.stop();
  }
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_STACKS ?? 50);
  const cluster = await startControlPlane();
  try {
    const result = await benchMediaStack(cluster.kubeConfig(), cluster.kubeconfigPath, count);
    process.stdout.write(`${formatResults([result])}\n`);
  } finally {
    await cluster.stop();
  }
}

runWhenMain(import.meta.url, main);
