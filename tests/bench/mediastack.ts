// Benchmark: N minimal MediaStacks (NFS data, default apps) in N namespaces through the operator —
// time until every child is applied and every stack Ready, steady-state writes, operator RSS.
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeConfig, KubernetesObject, V1PersistentVolume } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import { parse } from "yaml";
import { loadConfig } from "../../operator/config/operator-config.js";
import { configClaimName } from "../../operator/controllers/mediastack/names.js";
import { resolveEnabledApps } from "../../operator/controllers/mediastack/stack-settings.js";
import { isNotFound, KubeApi } from "../../operator/framework/kube-api.js";
import { builtinResources } from "../../operator/framework/resource.js";
import type { ResourceType } from "../../operator/framework/resource.js";
import { MediaStackResource } from "../../operator/generated/mediastack.js";
import type { MediaStack } from "../../operator/generated/mediastack.js";
import { startOperator } from "../../operator/main.js";
import { counterTotal, formatResults, measureRss } from "./bench-metrics.js";
import type { BenchResult } from "./bench-metrics.js";

const STACK = "minimal";
const NAMESPACE_PREFIX = "bench-stack-";
const BENCH_LABEL = "mediaplane.bench/mediastack";
const STEADY_SECONDS = 30;
const TIMEOUT_MS = 600_000;
const stackSelector = "app.kubernetes.io/managed-by=mediaplane,app.kubernetes.io/part-of=mediastack";

function minimalStack(namespace: string): MediaStack {
  const file = fileURLToPath(new URL("../../samples/mediastack/minimal.yaml", import.meta.url));
  const stack = parse(readFileSync(file, "utf8")) as MediaStack;
  return { ...stack, metadata: { ...stack.metadata, name: STACK, namespace } };
}

/** The cluster has no provisioner: one static volume per config claim, pre-bound by claimRef (as the integration tests do). */
function configVolumes(stack: MediaStack): V1PersistentVolume[] {
  const namespace = stack.metadata.namespace ?? "";
  return resolveEnabledApps(stack.spec).map((app) => {
    const claim = configClaimName(STACK, app.name);
    return {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: `bench-${namespace}-${claim}`, labels: { [BENCH_LABEL]: "config" } },
      spec: {
        capacity: { storage: app.configSize },
        accessModes: ["ReadWriteOnce"],
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName: stack.spec.storage.config?.storageClassName ?? "",
        hostPath: { path: `/tmp/mediaplane-bench/${namespace}/${claim}` },
        claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name: claim },
      },
    };
  });
}

/** Runs `work` over `items`, at most `width` at a time. */
async function inBatches<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

async function countByNamespace(api: KubeApi, resource: ResourceType): Promise<Map<string, number>> {
  const { items } = await api.list(resource, undefined, { labelSelector: stackSelector });
  const counts = new Map<string, number>();
  for (const item of items) {
    const namespace = item.metadata?.namespace ?? "";
    if (namespace.startsWith(NAMESPACE_PREFIX)) counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
  }
  return counts;
}

/** Every stack has its Deployments, Services, claims (config + data) and its data PV. */
async function allChildrenApplied(
  api: KubeApi,
  namespaces: readonly string[],
  apps: number,
): Promise<boolean> {
  const [deployments, services, claims] = await Promise.all([
    countByNamespace(api, builtinResources.Deployment),
    countByNamespace(api, builtinResources.Service),
    countByNamespace(api, builtinResources.PersistentVolumeClaim),
  ]);
  const volumes = await api.list(builtinResources.PersistentVolume, undefined, {
    labelSelector: "mediaplane.io/stack-name",
  });
  const withVolume = new Set(volumes.items.map((v) => v.metadata?.labels?.["mediaplane.io/stack-namespace"]));
  return namespaces.every(
    (ns) =>
      deployments.get(ns) === apps &&
      services.get(ns) === apps &&
      claims.get(ns) === apps + 1 &&
      withVolume.has(ns),
  );
}

async function readyStacks(api: KubeApi): Promise<number> {
  const { items } = await api.list<MediaStack>(MediaStackResource);
  return items.filter(
    (s) =>
      (s.metadata.namespace ?? "").startsWith(NAMESPACE_PREFIX) &&
      s.status?.observedGeneration === s.metadata.generation &&
      s.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true,
  ).length;
}

async function deleteQuietly(
  api: KubeApi,
  resource: ResourceType,
  namespace: string | undefined,
  name: string,
): Promise<void> {
  try {
    await api.delete(resource, namespace, name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Deletes the stacks (while the operator still runs their finalizers), the volumes and the namespaces. */
async function cleanUp(api: KubeApi, namespaces: readonly string[]): Promise<void> {
  await inBatches(namespaces, 25, (ns) => deleteQuietly(api, MediaStackResource, ns, STACK));
  const deadline = Date.now() + 120_000;
  while (
    Date.now() < deadline &&
    (await api.list(MediaStackResource)).items.some((s) =>
      (s.metadata?.namespace ?? "").startsWith(NAMESPACE_PREFIX),
    )
  ) {
    await sleep(500);
  }
  const volumes = await api.list<KubernetesObject>(builtinResources.PersistentVolume);
  const ours = volumes.items.filter(
    (v) =>
      v.metadata?.labels?.[BENCH_LABEL] !== undefined ||
      (v.metadata?.labels?.["mediaplane.io/stack-namespace"] ?? "").startsWith(NAMESPACE_PREFIX),
  );
  await inBatches(ours, 25, (v) =>
    deleteQuietly(api, builtinResources.PersistentVolume, undefined, v.metadata?.name ?? ""),
  );
  await inBatches(namespaces, 25, (ns) => deleteQuietly(api, builtinResources.Namespace, undefined, ns));
}

/** `count` minimal stacks in `count` namespaces, each with its config volumes, until all are Ready. */
export async function benchMediaStack(kubeConfig: KubeConfig, count: number): Promise<BenchResult> {
  const api = new KubeApi(kubeConfig);
  const namespaces = Array.from({ length: count }, (_, i) => `${NAMESPACE_PREFIX}${i}`);
  const stacks = namespaces.map(minimalStack);
  const apps = resolveEnabledApps(stacks[0]?.spec ?? minimalStack("x").spec).length;
  await inBatches(namespaces, 25, (ns) =>
    api.create(builtinResources.Namespace, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns, labels: { [BENCH_LABEL]: "true" } },
    }),
  );
  await inBatches(stacks.flatMap(configVolumes), 25, (v) => api.create(builtinResources.PersistentVolume, v));

  const running = await startOperator(
    loadConfig({
      MEDIAPLANE_LEADER_ELECTION: "false",
      MEDIAPLANE_PROBE_HOST: "127.0.0.1",
      MEDIAPLANE_PROBE_PORT: "0",
      MEDIAPLANE_LOG_LEVEL: "error",
      // Required by the Torrent controller; nothing here creates a Torrent, so it is never called.
      QBITTORRENT_URL: "http://127.0.0.1:9",
    }),
    kubeConfig,
  );
  const registry: Registry = running.operator.metrics.registry;
  const mediastack = { controller: "mediastack" };
  try {
    const rssBefore = measureRss();
    const started = Date.now();
    await inBatches(stacks, 25, (stack) => api.create(MediaStackResource, stack));
    const createdMs = Date.now() - started;
    let appliedMs: number | undefined;
    let readyMs: number | undefined;
    while (readyMs === undefined) {
      if (Date.now() - started > TIMEOUT_MS)
        throw new Error(`not all ${count} stacks Ready after ${TIMEOUT_MS / 1000}s`);
      if (appliedMs === undefined && (await allChildrenApplied(api, namespaces, apps)))
        appliedMs = Date.now() - started;
      if (appliedMs !== undefined && (await readyStacks(api)) === count) readyMs = Date.now() - started;
      else await sleep(250);
    }
    const reconcilesToReady = await counterTotal(registry, "mediaplane_reconcile_total", mediastack);
    const writesToReady = await counterTotal(registry, "mediaplane_status_writes_total", mediastack);
    await sleep(STEADY_SECONDS * 1000);
    const steadyReconciles =
      (await counterTotal(registry, "mediaplane_reconcile_total", mediastack)) - reconcilesToReady;
    const steadyWrites =
      (await counterTotal(registry, "mediaplane_status_writes_total", mediastack)) - writesToReady;
    const rssAfter = measureRss();
    return {
      name: `mediastack (${count} minimal stacks in ${count} namespaces, ${apps} apps each)`,
      numbers: {
        "create all CRs (s)": createdMs / 1000,
        "all children applied (s)": (appliedMs ?? 0) / 1000,
        "all stacks Ready (s)": readyMs / 1000,
        "reconciles per stack to Ready": reconcilesToReady / count,
        "status writes per stack to Ready": writesToReady / count,
        [`status writes in ${STEADY_SECONDS}s steady (goal 0)`]: steadyWrites,
        [`reconciles in ${STEADY_SECONDS}s steady`]: steadyReconciles,
        "operator RSS before (MiB)": rssBefore,
        "operator RSS after (MiB)": rssAfter,
      },
    };
  } finally {
    await cleanUp(api, namespaces);
    await running.stop();
  }
}

async function main(): Promise<void> {
  const { startControlPlane } = await import("../cluster/control-plane.js");
  const controlPlane = await startControlPlane();
  try {
    const count = Number(process.argv[2] ?? "50");
    process.stdout.write(`${formatResults([await benchMediaStack(controlPlane.kubeConfig(), count)])}\n`);
  } finally {
    await controlPlane.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
