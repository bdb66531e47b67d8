// What the DittoServer integration tests share: the operator started in-process, samples applied
// as a user would, PersistentVolumes for the claim templates (the test cluster has no provisioner),
// and readers for the server, its conditions, children and Events on the run's real apiserver.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import type { TestContext } from "node:test";
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type {
  CoreV1Event,
  KubernetesObject,
  V1CustomResourceDefinition,
  V1StatefulSet,
} from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { loadConfig } from "../../../operator/config/operator-config.js";
import { startOperator, type RunningOperator } from "../../../operator/main.js";
import type { DittoServer, DittoServerSpec } from "../../../operator/generated/dittoserver.js";
import { startDfsFleet, type DfsFleet } from "./dfs-fleet.js";
import { builtDfsBinary } from "./real-dfs-support.js";
import { apiStatusCode, testBinaries, testCluster, testKubeconfigPath, waitFor } from "../support/cluster.js";

export const kubeConfig = testCluster();
export const core = kubeConfig.makeApiClient(CoreV1Api);
export const apps = kubeConfig.makeApiClient(AppsV1Api);
export const custom = kubeConfig.makeApiClient(CustomObjectsApi);
export const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
export const dittoApi = { group: "dittofs.dittofs.com", version: "v1alpha1", plural: "dittoservers" };
export const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

type Condition = NonNullable<NonNullable<DittoServer["status"]>["conditions"]>[number];

export interface TestOperator extends RunningOperator {
  /** The real dfs pods behind the DittoServers this operator configured. */
  fleet: DfsFleet;
}

/**
 * The whole operator (every controller), as main.ts starts it, on loopback and without leader
 * election; every DittoServer it configures is served by a real dfs pod of the fleet.
 */
export async function startTestOperator(env: Record<string, string> = {}): Promise<TestOperator> {
  const binary = builtDfsBinary();
  if (binary === undefined) throw new Error("dfs is not built: run `npm run cluster:build`");
  const fleet = await startDfsFleet(kubeConfig, binary);
  const config = loadConfig({
    MEDIAPLANE_LEADER_ELECTION: "false",
    MEDIAPLANE_PROBE_HOST: "127.0.0.1",
    MEDIAPLANE_PROBE_PORT: "0",
    MEDIAPLANE_LOG_LEVEL: "warn",
    MEDIAPLANE_LOG_FORMAT: "console",
    MEDIAPLANE_SERVICE_URL_ALIASES: `${fleet.alias[0]}=${fleet.alias[1]}`,
    ...env,
  });
  const running = await startOperator(config, kubeConfig);
  return {
    ...running,
    fleet,
    stop: async () => {
      const stopped = await running.stop();
      await fleet.stop();
      return stopped;
    },
  };
}

/** Every document of samples/dittoserver/<file>. */
export function sampleDocuments(file: string): KubernetesObject[] {
  const url = new URL(`../../../samples/dittoserver/${file}`, import.meta.url);
  return parseAllDocuments(readFileSync(url, "utf8")).map((document) => document.toJS() as KubernetesObject);
}

/** Creates `object` in `namespace`, as `kubectl create -n namespace` would. */
export async function createIn(namespace: string, object: KubernetesObject): Promise<void> {
  await objects.create({ ...object, metadata: { ...object.metadata, namespace } });
}

export function dittoServer(name: string, spec: DittoServerSpec): DittoServer {
  return { apiVersion: "dittofs.dittofs.com/v1alpha1", kind: "DittoServer", metadata: { name }, spec };
}

/**
 * PersistentVolumes pre-bound (claimRef) to the claims the StatefulSet's templates produce for pod 0,
 * so the scheduler can place the pod; deleted after the test. `sizes` maps volume name to size.
 */
export async function provideVolumes(
  t: TestContext,
  namespace: string,
  server: string,
  sizes: Partial<Record<"metadata" | "cache" | "content", string>>,
): Promise<void> {
  const names: string[] = [];
  for (const [volume, size] of Object.entries(sizes)) {
    const claim = `${volume}-${server}-0`;
    const name = `${namespace}-${claim}`;
    names.push(name);
    await core.createPersistentVolume({
      body: {
        metadata: { name, labels: { "mediaplane.test/integration": "true" } },
        spec: {
          capacity: { storage: size },
          accessModes: ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Retain",
          storageClassName: "",
          hostPath: { path: `/tmp/mediaplane-it/${name}` },
          claimRef: { namespace, name: claim },
        },
      },
    });
  }
  t.after(async () => {
    for (const name of names) {
      try {
        await core.deletePersistentVolume({ name });
      } catch (error) {
        if (apiStatusCode(error) !== 404) throw error;
      }
    }
  });
}

export async function getServer(namespace: string, name: string): Promise<DittoServer> {
  return (await custom.getNamespacedCustomObject({ ...dittoApi, namespace, name })) as DittoServer;
}

export async function patchServerSpec(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<void> {
  await custom.patchNamespacedCustomObject({ ...dittoApi, namespace, name, body: { spec } }, mergePatch);
}

export function conditionOf(server: DittoServer, type: string): Condition | undefined {
  return server.status?.conditions?.find((condition) => condition.type === type);
}

/** Polls the server until `check` accepts it; `what` names the wait in the timeout message. */
export function waitForServer(
  namespace: string,
  name: string,
  what: string,
  check: (server: DittoServer) => boolean,
  timeoutMs = 60_000,
): Promise<DittoServer> {
  let last = "no status yet";
  return waitFor(
    async () => {
      const server = await getServer(namespace, name);
      const conditions = server.status?.conditions ?? [];
      last = conditions.map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`).join("; ") || last;
      return check(server) ? server : undefined;
    },
    { what: `DittoServer ${namespace}/${name}: ${what}`, timeoutMs, intervalMs: 200 },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n  last conditions: ${last}`);
  });
}

/** Ready=True for the current generation (observedGeneration caught up). */
export function isReadyAtGeneration(server: DittoServer): boolean {
  return (
    conditionOf(server, "Ready")?.status === "True" &&
    server.status?.observedGeneration === server.metadata.generation
  );
}

export async function waitForReady(
  namespace: string,
  name: string,
  timeoutMs = 90_000,
): Promise<DittoServer> {
  return waitForServer(namespace, name, "Ready at its generation", isReadyAtGeneration, timeoutMs);
}

export async function getStatefulSet(namespace: string, name: string): Promise<V1StatefulSet> {
  return apps.readNamespacedStatefulSet({ namespace, name });
}

/** The config-hash annotation of a StatefulSet's pod template. */
export function templateHash(statefulSet: V1StatefulSet): string | undefined {
  return statefulSet.spec?.template.metadata?.annotations?.["dittofs.dittofs.com/config-hash"];
}

/** Events about the DittoServer `name`. */
export async function eventsFor(namespace: string, name: string): Promise<CoreV1Event[]> {
  const list = await core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=DittoServer,involvedObject.name=${name}`,
  });
  return list.items;
}

/** Waits for an Event of `type` and `reason` whose message contains `text`. */
export function waitForEvent(
  namespace: string,
  name: string,
  type: "Normal" | "Warning",
  reason: string,
  text = "",
): Promise<CoreV1Event> {
  return waitFor(
    async () =>
      (await eventsFor(namespace, name)).find(
        (event) => event.type === type && event.reason === reason && (event.message ?? "").includes(text),
      ),
    { what: `${type} Event ${reason} on DittoServer ${namespace}/${name}`, timeoutMs: 30_000 },
  );
}

/** True once the object is gone (404). */
export async function isGone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (error) {
    if (apiStatusCode(error) === 404) return true;
    throw error;
  }
}

const execFileAsync = promisify(execFile);

/** Runs the run's kubectl against the test cluster and returns its stdout. */
export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    testBinaries().kubectl,
    ["--kubeconfig", testKubeconfigPath(), ...args],
    {
      timeout: 180_000,
    },
  );
  return stdout;
}

/** The body of a refused API call: the apiserver's Status message. */
export function refusalMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

/** A plain-object copy of a client-node model (its classes never deep-equal object literals). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);

/**
 * A real, namespaced CRD for an optional kind the operator uses (Percona's cluster, prometheus-operator's
 * ServiceMonitor), loose enough for any spec: the apiserver serves it like the real one.
 */
export function standInCrd(
  group: string,
  version: string,
  kind: string,
  plural: string,
): V1CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: { type: "object", x_kubernetes_preserve_unknown_fields: true },
                status: { type: "object", x_kubernetes_preserve_unknown_fields: true },
              },
            },
          },
        },
      ],
    },
  };
}

export async function crdInstalled(name: string): Promise<boolean> {
  return !(await isGone(() => extensions.readCustomResourceDefinition({ name })));
}

/** Creates the CRD unless present and waits until it is Established. */
export async function installCrd(crd: V1CustomResourceDefinition): Promise<void> {
  const name = crd.metadata?.name ?? "";
  if (!(await crdInstalled(name))) await extensions.createCustomResourceDefinition({ body: crd });
  await waitFor(
    async () => {
      const current = await extensions.readCustomResourceDefinition({ name });
      return current.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
    },
    { what: `${name} Established`, timeoutMs: 30_000 },
  );
}

/** Deletes the CRD if present and waits until it is gone. */
export async function removeCrd(name: string): Promise<void> {
  if (!(await crdInstalled(name))) return;
  await extensions.deleteCustomResourceDefinition({ name });
  await waitFor(async () => !(await crdInstalled(name)), { what: `${name} deleted`, timeoutMs: 60_000 });
}
