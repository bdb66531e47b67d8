// The seed 002 MediaStack on the real control plane, run by the whole operator (startOperator): it
// becomes Ready, owns its children, keeps its password to itself, repairs drift, removes disabled apps
// and, deleted with reclaimPolicy Retain, leaves only its Released volume behind.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CoreV1Event, KubernetesObject, V1Deployment, V1Pod, V1Secret } from "@kubernetes/client-node";
import { loadConfig } from "../../../operator/config/operator-config.js";
import { appCatalog } from "../../../operator/controllers/mediastack/catalog.js";
import { persistentVolumeOwnerLabels } from "../../../operator/controllers/mediastack/names.js";
import { builtinResources, type ResourceType } from "../../../operator/framework/resource.js";
import { MediaStackResource, type MediaStack } from "../../../operator/generated/mediastack.js";
import { startOperator, type RunningOperator } from "../../../operator/main.js";
import { createTestNamespace, testCluster, waitFor } from "../support/cluster.js";
import {
  acceptRoutes,
  api,
  conditionOf,
  createStack,
  exists,
  getStack,
  mergePatchStack,
  namespaceLeftovers,
  provisionConfigVolumes,
  recordProcessOutput,
  sampleStack,
  waitForCondition,
  waitForReady,
  waitGone,
  stackVolume,
} from "./stack-support.js";

let running: RunningOperator;
let output: ReturnType<typeof recordProcessOutput>;

before(async () => {
  // debug: the more the operator logs, the more the password check below covers.
  output = recordProcessOutput();
  running = await startOperator(
    loadConfig({
      MEDIAPLANE_LEADER_ELECTION: "false",
      MEDIAPLANE_PROBE_PORT: "0",
      MEDIAPLANE_PROBE_HOST: "127.0.0.1",
      MEDIAPLANE_LOG_LEVEL: "debug",
    }),
    testCluster(),
  );
});

after(async () => {
  await running.stop();
  output.stop();
});

const seedApps = ["prowlarr", "sonarr", "radarr", "qbittorrent", "jellyfin"] as const;

/** Brings the seed sample up in `namespace`: config volumes provided, routes accepted, Ready. */
async function seedStackReady(
  t: Parameters<typeof createTestNamespace>[0],
  namespace: string,
): Promise<MediaStack> {
  const stack = sampleStack("seed-002-nfs-gateway.yaml", namespace);
  await provisionConfigVolumes(t, stack);
  await createStack(t, stack);
  await waitForCondition(namespace, "arr", "AppsReady", (c) => c.status === "True", "AppsReady=True");
  await waitFor(async () => (await acceptRoutes(namespace, "arr")) === seedApps.length, {
    what: "five HTTPRoutes to accept",
  });
  return waitForReady(namespace, "arr");
}

function controllerOwner(object: KubernetesObject): { kind: string; uid: string } | undefined {
  const owners = object.metadata?.ownerReferences ?? [];
  const controller = owners.filter((ref) => ref.controller === true);
  return controller.length === 1 && owners.length === 1 ? controller[0] : undefined;
}

async function listByInstance(resource: ResourceType, namespace: string): Promise<KubernetesObject[]> {
  const { items } = await api.list(resource, namespace, { labelSelector: "app.kubernetes.io/instance=arr" });
  return items;
}

test("the seed 002 stack: StorageReady once its PV binds, AppsReady names config claims nobody provisions", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = sampleStack("seed-002-nfs-gateway.yaml", namespace);
  await createStack(t, stack);

  // The data claim binds to the stack's own NFS volume through claimRef/volumeName (the PV binder).
  const storageReady = await waitForCondition(
    namespace,
    "arr",
    "StorageReady",
    (c) => c.status === "True",
    "StorageReady=True",
  );
  assert.equal(conditionOf(storageReady, "StorageReady")?.reason, "ClaimBound");
  const volume = await stackVolume(namespace, "arr");
  assert.equal(volume.status?.phase, "Bound");
  assert.deepEqual(volume.spec?.nfs, { server: "10.10.30.4", path: "/Kubernetes/Media" });

  // No provisioner serves class longhorn here: the config claims stay Pending, the scheduler refuses
  // the pods, and AppsReady says which claim each app waits for (StorageReady is about /data only).
  const waiting = await waitForCondition(
    namespace,
    "arr",
    "AppsReady",
    (c) => c.status === "False" && c.message.includes("config claim arr-sonarr-config is Pending"),
    "AppsReady naming the Pending config claim",
  );
  assert.equal(conditionOf(waiting, "StorageReady")?.status, "True");
  assert.equal(conditionOf(waiting, "Ready")?.status, "False");
  const unschedulable = await waitFor(
    async () => {
      const { items } = await api.list<V1Pod>(builtinResources.Pod, namespace, {
        labelSelector: "app.kubernetes.io/name=sonarr",
      });
      const scheduled = items[0]?.status?.conditions?.find((c) => c.type === "PodScheduled");
      return scheduled?.status === "False" ? scheduled : undefined;
    },
    { what: "the sonarr pod to be reported unschedulable" },
  );
  assert.match(unschedulable.message ?? "", /unbound immediate PersistentVolumeClaims/);

  // The test plays the provisioner: once the config claims bind, the pods run (kwok) and apps are ready.
  await provisionConfigVolumes(t, stack);
  const appsReady = await waitForCondition(
    namespace,
    "arr",
    "AppsReady",
    (c) => c.status === "True",
    "AppsReady",
  );
  assert.equal(appsReady.status?.appsSummary, "5/5");
});

test("the seed 002 stack becomes Ready, owns every child, and its password stays in its Secret", async (t) => {
  const namespace = await createTestNamespace(t);
  const stack = await seedStackReady(t, namespace);
  assert.equal(conditionOf(stack, "RoutesReady")?.reason, "RoutesAccepted");
  assert.deepEqual(
    stack.status?.apps?.map((app) => [app.name, app.ready, app.url]),
    [
      ["prowlarr", true, "https://prowlarr.k8s.rommelporras.com"],
      ["sonarr", true, "https://sonarr.k8s.rommelporras.com"],
      ["radarr", true, "https://radarr.k8s.rommelporras.com"],
      ["qbittorrent", true, "https://qbit.k8s.rommelporras.com"],
      ["jellyfin", true, "https://jellyfin.k8s.rommelporras.com"],
    ],
  );
  assert.deepEqual(stack.status?.qbittorrent, {
    url: `http://arr-qbittorrent.${namespace}.svc.cluster.local:8080`,
    credentialsSecret: "arr-qbittorrent-credentials",
    ready: true,
  });

  // Every namespaced child has exactly one owner reference: the stack, as controller.
  const uid = stack.metadata.uid;
  const expected: Array<[ResourceType, number]> = [
    // The qBittorrent credentials and the apps' API keys.
    [builtinResources.Secret, 2],
    [builtinResources.PersistentVolumeClaim, 6],
    [builtinResources.Service, 5],
    [builtinResources.Deployment, 5],
    [builtinResources.NetworkPolicy, 1],
    [builtinResources.HTTPRoute, 5],
  ];
  for (const [resource, count] of expected) {
    const objects = await listByInstance(resource, namespace);
    assert.equal(objects.length, count, `${count} ${resource.kind} objects`);
    for (const object of objects) {
      const owner = controllerOwner(object);
      assert.equal(owner?.kind, "MediaStack", `${resource.kind} ${object.metadata?.name} is owned`);
      assert.equal(owner?.uid, uid, `${resource.kind} ${object.metadata?.name} is owned by this stack`);
    }
  }
  // The PV is cluster-scoped: no owner reference, owner labels, bound strictly to the stack's claim.
  const volume = await stackVolume(namespace, "arr");
  assert.equal(volume.metadata?.ownerReferences, undefined);
  for (const [key, value] of Object.entries(persistentVolumeOwnerLabels(namespace, "arr"))) {
    assert.equal(volume.metadata?.labels?.[key], value);
  }
  assert.equal(volume.spec?.claimRef?.name, "arr-data");
  assert.equal(volume.spec?.claimRef?.namespace, namespace);
  assert.equal(volume.spec?.persistentVolumeReclaimPolicy, "Retain");

  // The credentials Secret holds what Torrents read; its values appear nowhere else.
  const secret = await api.get<V1Secret>(builtinResources.Secret, namespace, "arr-qbittorrent-credentials");
  const decode = (key: string): string => Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8");
  const password = decode("password");
  const hash = decode("password_pbkdf2");
  assert.ok(password.length >= 24, "a generated password");
  assert.ok(decode("username").length > 0);
  assert.match(hash, /^@ByteArray\(/);
  const secrets = [
    password,
    Buffer.from(password).toString("base64"),
    hash,
    Buffer.from(hash).toString("base64"),
  ];
  // The generated API keys likewise stay in their own Secret (the apps read them by secretKeyRef).
  const keys = await api.get<V1Secret>(builtinResources.Secret, namespace, "arr-api-keys");
  for (const key of ["sonarr-api-key", "radarr-api-key", "prowlarr-api-key", "jellyfin-admin-password"]) {
    const value = Buffer.from(keys.data?.[key] ?? "", "base64").toString("utf8");
    assert.ok(value.length >= 24, `a generated ${key}`);
    secrets.push(value);
  }
  const elsewhere: unknown[] = [await getStack(namespace, "arr"), volume];
  for (const resource of [
    builtinResources.Deployment,
    { group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", namespaced: true },
    builtinResources.Pod,
    builtinResources.Service,
    builtinResources.PersistentVolumeClaim,
    builtinResources.ConfigMap,
    builtinResources.NetworkPolicy,
    builtinResources.HTTPRoute,
    builtinResources.Event,
  ] satisfies ResourceType[]) {
    elsewhere.push(...(await api.list(resource, namespace)).items);
  }
  const { items: otherSecrets } = await api.list<V1Secret>(builtinResources.Secret, namespace);
  elsewhere.push(
    ...otherSecrets.filter(
      (s) => !["arr-qbittorrent-credentials", "arr-api-keys"].includes(s.metadata?.name ?? ""),
    ),
  );
  const events = (await api.list<CoreV1Event>(builtinResources.Event, namespace)).items;
  assert.ok(
    events.some((event) => event.reason === "CredentialsGenerated"),
    "an Event says credentials were generated",
  );
  const text = JSON.stringify(elsewhere);
  for (const value of secrets)
    assert.ok(!text.includes(value), "no object but the Secret holds the credentials");
  const log = output.lines.join("");
  assert.match(log, /"message":"operator started"/, "the operator's log was recorded");
  for (const value of secrets) assert.ok(!log.includes(value), "the operator never logs the credentials");

  // Deleting with reclaimPolicy Retain: the children go with the stack, the PV stays Released.
  await api.delete(MediaStackResource, namespace, "arr");
  await waitGone(MediaStackResource, namespace, "arr");
  const released = await waitFor(
    async () => {
      const pv = await stackVolume(namespace, "arr");
      return pv.status?.phase === "Released" ? pv : undefined;
    },
    { what: "the Retained PV to be Released", timeoutMs: 60_000 },
  );
  assert.equal(released.spec?.nfs?.server, "10.10.30.4");
  const leftovers = await waitFor(
    async () => {
      const left = await namespaceLeftovers(namespace);
      return left.length === 0 ? left : undefined;
    },
    { what: "nothing left in the namespace", timeoutMs: 60_000, intervalMs: 500 },
  );
  assert.deepEqual(leftovers, []);
  const deletionEvents = (await api.list<CoreV1Event>(builtinResources.Event, namespace)).items;
  assert.ok(deletionEvents.some((event) => event.reason === "DataVolumeRetained"));
});

test("drift on a Deployment is repaired and a disabled app's objects go, its config claim stays", async (t) => {
  const namespace = await createTestNamespace(t);
  await seedStackReady(t, namespace);
  const secretBefore = await api.get<V1Secret>(
    builtinResources.Secret,
    namespace,
    "arr-qbittorrent-credentials",
  );

  // A hand edit (another field manager) of fields the stack owns is reverted by server-side apply.
  const image = `${appCatalog.sonarr.repository}:${appCatalog.sonarr.tag}`;
  await api.patch(
    builtinResources.Deployment,
    namespace,
    "arr-sonarr",
    {
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ name: "sonarr", image: "example.org/evil:1" }] } },
      },
    },
    "application/strategic-merge-patch+json",
  );
  const repaired = await waitFor(
    async () => {
      const deployment = await api.get<V1Deployment>(builtinResources.Deployment, namespace, "arr-sonarr");
      const container = deployment.spec?.template.spec?.containers.find((c) => c.name === "sonarr");
      return container?.image === image && deployment.spec?.replicas === 1 ? deployment : undefined;
    },
    { what: "the Deployment's image and replicas to be put back" },
  );
  assert.equal(repaired.spec?.replicas, 1);

  // Disabling Jellyfin removes its Deployment, Service and HTTPRoute; its config claim stays.
  await mergePatchStack(namespace, "arr", { spec: { apps: { jellyfin: { enabled: false } } } });
  for (const resource of [
    builtinResources.Deployment,
    builtinResources.Service,
    builtinResources.HTTPRoute,
  ]) {
    await waitGone(resource, namespace, "arr-jellyfin");
  }
  assert.ok(await exists(builtinResources.PersistentVolumeClaim, namespace, "arr-jellyfin-config"));
  const fewer = await waitForReady(namespace, "arr");
  assert.equal(fewer.status?.appsSummary, "4/4");
  assert.ok(!fewer.status?.apps?.some((app) => app.name === "jellyfin"));

  // With deleteOnDisable the config claim of a disabled app goes too.
  await mergePatchStack(namespace, "arr", { spec: { storage: { config: { deleteOnDisable: true } } } });
  await waitGone(builtinResources.PersistentVolumeClaim, namespace, "arr-jellyfin-config");
  assert.ok(await exists(builtinResources.PersistentVolumeClaim, namespace, "arr-sonarr-config"));

  // The credentials were generated once: every reconcile since reused them.
  const secretAfter = await api.get<V1Secret>(
    builtinResources.Secret,
    namespace,
    "arr-qbittorrent-credentials",
  );
  assert.deepEqual(secretAfter.data, secretBefore.data);
});
