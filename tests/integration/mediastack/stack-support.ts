// What the MediaStack integration tests share: the stack samples in a test namespace, waits on
// conditions, the volumes a storage provisioner would create, route status a gateway would write,
// an operator with only the MediaStack controller, and a recorder of the operator's log lines.
import type { KubeConfig, KubernetesObject, V1PersistentVolume } from "@kubernetes/client-node";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import {
  mediaStackController,
  type MediaStackControllerOptions,
} from "../../../operator/controllers/mediastack/mediastack-controller.js";
import { configClaimName, dataVolumeName } from "../../../operator/controllers/mediastack/names.js";
import { resolveEnabledApps } from "../../../operator/controllers/mediastack/stack-settings.js";
import { isNotFound, KubeApi, patchTypes } from "../../../operator/framework/kube-api.js";
import { createLogger } from "../../../operator/framework/logger.js";
import { Operator } from "../../../operator/framework/operator.js";
import { builtinResources, type ResourceType } from "../../../operator/framework/resource.js";
import { MediaStackResource, type MediaStack } from "../../../operator/generated/mediastack.js";
import { testCluster, waitFor } from "../support/cluster.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const api = new KubeApi(testCluster());

type StackCondition = NonNullable<NonNullable<MediaStack["status"]>["conditions"]>[number];

/** A sample from samples/mediastack/, moved into `namespace`. */
export function sampleStack(file: string, namespace: string): MediaStack {
  const stack = parse(readFileSync(join(repoRoot, "samples", "mediastack", file), "utf8")) as MediaStack;
  return { ...stack, metadata: { ...stack.metadata, namespace } };
}

/**
 * Creates the stack; when the test ends, deletes it and waits until the operator (still running then)
 * has finalized it, then deletes its volume: no stack is left in a Terminating namespace, no PV behind.
 */
export async function createStack(t: TestContext, stack: MediaStack): Promise<MediaStack> {
  const namespace = stack.metadata.namespace ?? "";
  const name = stack.metadata.name ?? "";
  const created = await api.create(MediaStackResource, stack);
  t.after(async () => {
    await deleteIfExists(MediaStackResource, namespace, name);
    await waitGone(MediaStackResource, namespace, name);
    await deleteIfExists(builtinResources.PersistentVolume, undefined, dataVolumeName(namespace, name));
  });
  return created;
}

export async function getStack(namespace: string, name: string): Promise<MediaStack> {
  return api.get<MediaStack>(MediaStackResource, namespace, name);
}

export async function mergePatchStack(namespace: string, name: string, patch: unknown): Promise<MediaStack> {
  return api.patch<MediaStack>(MediaStackResource, namespace, name, patch, patchTypes.merge);
}

export function conditionOf(stack: MediaStack, type: string): StackCondition | undefined {
  return stack.status?.conditions?.find((condition) => condition.type === type);
}

/**
 * Waits until the stack's condition `type` satisfies `accept`, in a status written for the current
 * generation (unless anyGeneration: a deleting object's generation moves on without a reconcile).
 */
export async function waitForCondition(
  namespace: string,
  name: string,
  type: string,
  accept: (condition: StackCondition) => boolean,
  what: string,
  timeoutMs = 60_000,
  options: { anyGeneration?: boolean } = {},
): Promise<MediaStack> {
  return waitFor(
    async () => {
      const stack = await getStack(namespace, name);
      const condition = conditionOf(stack, type);
      const current =
        options.anyGeneration === true || stack.status?.observedGeneration === stack.metadata.generation;
      if (condition && accept(condition) && current) return stack;
      return undefined;
    },
    { what: `MediaStack ${namespace}/${name}: ${what}`, timeoutMs, intervalMs: 250 },
  );
}

export async function waitForReady(namespace: string, name: string, timeoutMs = 90_000): Promise<MediaStack> {
  return waitForCondition(namespace, name, "Ready", (c) => c.status === "True", "Ready=True", timeoutMs);
}

/** Whether an object exists. */
export async function exists(
  resource: ResourceType,
  namespace: string | undefined,
  name: string,
): Promise<boolean> {
  try {
    await api.get(resource, namespace, name);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

export async function waitGone(
  resource: ResourceType,
  namespace: string | undefined,
  name: string,
): Promise<void> {
  await waitFor(async () => !(await exists(resource, namespace, name)), {
    what: `${resource.kind} ${namespace ?? ""}/${name} to be gone`,
    timeoutMs: 60_000,
    intervalMs: 250,
  });
}

/**
 * This cluster has no storage provisioner. The test plays one: a static hostPath volume per enabled
 * app's config claim, pre-bound by claimRef, in the claim's storage class (kwok never mounts it).
 * Deleted when the test ends.
 */
export async function provisionConfigVolumes(t: TestContext, stack: MediaStack): Promise<string[]> {
  const namespace = stack.metadata.namespace ?? "";
  const name = stack.metadata.name ?? "";
  const storageClassName = stack.spec.storage.config?.storageClassName ?? "";
  const names: string[] = [];
  for (const app of resolveEnabledApps(stack.spec)) {
    const claim = configClaimName(name, app.name);
    const volume: V1PersistentVolume = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: {
        name: `test-${namespace}-${claim}`,
        labels: { "mediaplane.test/provisioned-for": namespace },
      },
      spec: {
        capacity: { storage: app.configSize },
        accessModes: ["ReadWriteOnce"],
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName,
        hostPath: { path: `/tmp/mediaplane-test/${namespace}/${claim}` },
        claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name: claim },
      },
    };
    await api.create(builtinResources.PersistentVolume, volume);
    names.push(volume.metadata?.name ?? "");
  }
  t.after(async () => {
    for (const volume of names) await deleteIfExists(builtinResources.PersistentVolume, undefined, volume);
  });
  return names;
}

export async function deleteIfExists(
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

interface RouteForStatus extends KubernetesObject {
  spec: { parentRefs: Array<Record<string, unknown>> };
}

/**
 * There is no gateway controller here: write what one would, Accepted and ResolvedRefs True for
 * each parent at the route's current generation, on every HTTPRoute of the stack.
 */
export async function acceptRoutes(namespace: string, stack: string): Promise<number> {
  const routes = await api.list<RouteForStatus>(builtinResources.HTTPRoute, namespace, {
    labelSelector: `app.kubernetes.io/instance=${stack}`,
  });
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  for (const route of routes.items) {
    const generation = route.metadata?.generation ?? 1;
    const condition = (type: string, reason: string): Record<string, unknown> => ({
      type,
      status: "True",
      reason,
      message: "accepted by the test's stand-in gateway",
      observedGeneration: generation,
      lastTransitionTime: now,
    });
    const parents = route.spec.parentRefs.map((parentRef) => ({
      parentRef,
      controllerName: "mediaplane.test/gateway",
      conditions: [condition("Accepted", "Accepted"), condition("ResolvedRefs", "ResolvedRefs")],
    }));
    await api.patch(
      builtinResources.HTTPRoute,
      namespace,
      route.metadata?.name ?? "",
      { status: { parents } },
      patchTypes.merge,
      "status",
    );
  }
  return routes.items.length;
}

/** Kinds a namespace is checked for after a stack is deleted (the ConfigMap kube-root-ca.crt excepted). */
const leftoverKinds: readonly ResourceType[] = [
  builtinResources.Deployment,
  { group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", namespaced: true },
  builtinResources.Pod,
  builtinResources.Service,
  builtinResources.PersistentVolumeClaim,
  builtinResources.Secret,
  builtinResources.ConfigMap,
  builtinResources.NetworkPolicy,
  builtinResources.Ingress,
  builtinResources.HTTPRoute,
  MediaStackResource,
];

/** "Kind/name" of every object left in the namespace, besides Events and kube-root-ca.crt. */
export async function namespaceLeftovers(namespace: string): Promise<string[]> {
  const left: string[] = [];
  for (const resource of leftoverKinds) {
    const { items } = await api.list(resource, namespace);
    for (const item of items) {
      const name = item.metadata?.name ?? "";
      if (resource.kind === "ConfigMap" && name === "kube-root-ca.crt") continue;
      left.push(`${resource.kind}/${name}`);
    }
  }
  return left;
}

/**
 * An operator running only the MediaStack controller, wired as startOperator wires it. For tests
 * that play another controller's part by hand (a DittoServer's status, a Torrent's finalizer): the
 * real one would overwrite what the test writes.
 */
export async function startMediaStackOperator(
  kubeConfig: KubeConfig,
  options: Partial<MediaStackControllerOptions> = {},
): Promise<Operator> {
  const operator = new Operator({
    kubeConfig,
    log: createLogger("warn", "json"),
    identity: "mediastack-integration-test",
    leaderElection: { enabled: false, namespace: "default", name: "unused" },
    shutdownDeadlineMs: 5_000,
  });
  operator.controller(
    mediaStackController({
      concurrency: 4,
      // No app runs behind these tests' Services: every app URL goes to a closed loopback port, so the
      // wiring waits at once instead of resolving cluster names (tests/integration/wiring has the fakes).
      urlAliases: new Map([["http://", "http://127.0.0.1:9/no-app-here/"]]),
      ...options,
    }),
  );
  await operator.start();
  return operator;
}

/**
 * Records every line written to stdout/stderr (the operator's winston Console transport writes
 * there) from now until `stop()`. Lines that are the operator's JSON log records are kept out of the
 * test output; everything else passes through.
 */
export function recordProcessOutput(): { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => Object.getOwnPropertyDescriptor(stream, "write"));
  for (const stream of streams) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      lines.push(text);
      if (/^\{.*"level":/.test(text)) return true;
      return original(chunk, ...rest);
    };
    Object.defineProperty(stream, "write", { value: write, configurable: true, writable: true });
  }
  return {
    lines,
    stop: () => {
      streams.forEach((stream, index) => {
        const descriptor = originals[index];
        if (descriptor) Object.defineProperty(stream, "write", descriptor);
        else delete (stream as { write?: unknown }).write;
      });
    },
  };
}

/** The cluster-scoped PersistentVolume a stack rendered for /data. */
export async function stackVolume(namespace: string, stack: string): Promise<V1PersistentVolume> {
  return api.get<V1PersistentVolume>(
    builtinResources.PersistentVolume,
    undefined,
    dataVolumeName(namespace, stack),
  );
}
