// The MediaStacks the benchmarks create: minimal stacks (samples/mediastack/minimal.yaml) one per
// namespace, their pre-bound static config volumes (the local cluster has no provisioner), and cleanup.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { KubernetesObject, V1PersistentVolume } from "@kubernetes/client-node";
import { parse } from "yaml";
import { configClaimName } from "../../operator/controllers/mediastack/names.js";
import { resolveEnabledApps } from "../../operator/controllers/mediastack/stack-settings.js";
import { isNotFound, type KubeApi } from "../../operator/framework/kube-api.js";
import { builtinResources, type ResourceType } from "../../operator/framework/resource.js";
import { MediaStackResource, type MediaStack } from "../../operator/generated/mediastack.js";

export const STACK_NAME = "minimal";
/** On every volume and namespace a benchmark creates, so cleanup finds them. */
export const BENCH_LABEL = "mediaplane.bench/mediastack";

export function minimalStack(namespace: string): MediaStack {
  const file = fileURLToPath(new URL("../../samples/mediastack/minimal.yaml", import.meta.url));
  const stack = parse(readFileSync(file, "utf8")) as MediaStack;
  return { ...stack, metadata: { ...stack.metadata, name: STACK_NAME, namespace } };
}

/** One static volume per config claim, pre-bound by claimRef (as the integration tests do). */
export function configVolumes(stack: MediaStack): V1PersistentVolume[] {
  const namespace = stack.metadata.namespace ?? "";
  return resolveEnabledApps(stack.spec).map((app) => {
    const claim = configClaimName(STACK_NAME, app.name);
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

/** Runs `work` over `items`, at most `width` at a time (a pool: a slow item does not hold the others). */
export async function inPool<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** The namespaces (labelled) and each stack's config volumes; returns the stacks, not yet created. */
export async function prepareStackNamespaces(
  api: KubeApi,
  namespaces: readonly string[],
): Promise<MediaStack[]> {
  await inPool(namespaces, 25, (ns) =>
    api.create(builtinResources.Namespace, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns, labels: { [BENCH_LABEL]: "true" } },
    }),
  );
  const stacks = namespaces.map(minimalStack);
  await inPool(stacks.flatMap(configVolumes), 25, (v) => api.create(builtinResources.PersistentVolume, v));
  return stacks;
}

export async function deleteQuietly(
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

async function waitUntil(what: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await what()) return true;
    await sleep(500);
  }
  return false;
}

/**
 * Deletes the stacks (an operator must still run their finalizers, if they have one), every volume of
 * these namespaces, then the namespaces, and waits until they are gone: the next measurement starts on
 * a quiet cluster, not beside the garbage collector.
 */
export async function cleanUpStacks(api: KubeApi, namespaces: readonly string[]): Promise<void> {
  const ours = new Set(namespaces);
  await inPool(namespaces, 25, (ns) => deleteQuietly(api, MediaStackResource, ns, STACK_NAME));
  await waitUntil(
    async () =>
      !(await api.list(MediaStackResource)).items.some((s) => ours.has(s.metadata?.namespace ?? "")),
    120_000,
  );
  const volumes = await api.list<KubernetesObject>(builtinResources.PersistentVolume);
  const benchVolumes = volumes.items.filter((v) => {
    const labels = v.metadata?.labels ?? {};
    const claimNamespace = (v as V1PersistentVolume).spec?.claimRef?.namespace ?? "";
    return ours.has(claimNamespace) || ours.has(labels["mediaplane.io/stack-namespace"] ?? "");
  });
  await inPool(benchVolumes, 25, (v) =>
    deleteQuietly(api, builtinResources.PersistentVolume, undefined, v.metadata?.name ?? ""),
  );
  await inPool(namespaces, 25, (ns) => deleteQuietly(api, builtinResources.Namespace, undefined, ns));
  await waitUntil(
    async () =>
      !(await api.list(builtinResources.Namespace)).items.some((n) => ours.has(n.metadata?.name ?? "")),
    180_000,
  );
}
