// Proves the test control plane is a real cluster and not a stub: controllers, scheduler, kwok, RBAC,
// Gateway API CRDs and PV binding all act as they would in production. Talks to the run's apiserver.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import type { KubernetesObject, V1Deployment, V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import {
  apiStatusCode,
  createTestNamespace,
  serviceAccountKubeconfig,
  testCluster,
  waitFor,
} from "./support/cluster.js";

const appLabels = { app: "probe" };

function deployment(name: string, replicas: number): V1Deployment {
  return {
    metadata: { name, labels: appLabels },
    spec: {
      replicas,
      selector: { matchLabels: appLabels },
      template: {
        metadata: { labels: appLabels },
        spec: { containers: [{ name: "main", image: "registry.invalid/probe:1" }] },
      },
    },
  };
}

function isReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** Whether an IPv4 address lies in 10.244.0.0/16, the pod range kwok is given. */
function inPodRange(ip: string | undefined): boolean {
  return ip !== undefined && /^10\.244\.\d{1,3}\.\d{1,3}$/.test(ip);
}

void test("fake nodes are Ready kwok nodes with room for benchmark-sized workloads", async () => {
  const nodes = await testCluster().makeApiClient(CoreV1Api).listNode({ labelSelector: "type=kwok" });
  assert.ok(nodes.items.length >= 1, "at least one kwok node");
  for (const node of nodes.items) {
    assert.equal(node.metadata?.annotations?.["kwok.x-k8s.io/node"], "fake");
    const ready = node.status?.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.status, "True", `node ${node.metadata?.name} Ready`);
    // The apiserver canonicalises 1000 to "1k".
    const pods = node.status?.allocatable?.["pods"] ?? "0";
    const podCount = pods.endsWith("k") ? Number(pods.slice(0, -1)) * 1000 : Number(pods);
    assert.ok(podCount >= 110, `allocatable pods ${pods}`);
  }
});

void test("a Deployment's ReplicaSet creates pods that are scheduled onto kwok nodes and become Ready", async (t) => {
  const namespace = await createTestNamespace(t);
  const kc = testCluster();
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const created = await apps.createNamespacedDeployment({ namespace, body: deployment("web", 2) });

  const ready = await waitFor(
    async () => {
      const current = await apps.readNamespacedDeployment({ namespace, name: "web" });
      return current.status?.readyReplicas === 2 ? current : undefined;
    },
    { what: "Deployment web to have 2 ready replicas", timeoutMs: 60_000 },
  );
  assert.equal(ready.status?.availableReplicas, 2);

  const replicaSets = await apps.listNamespacedReplicaSet({ namespace });
  assert.equal(replicaSets.items.length, 1);
  const owner = replicaSets.items[0]?.metadata?.ownerReferences?.[0];
  assert.equal(owner?.kind, "Deployment");
  assert.equal(owner?.uid, created.metadata?.uid);

  const pods = await core.listNamespacedPod({ namespace });
  assert.equal(pods.items.length, 2);
  const kwokNodes = new Set(
    (await core.listNode({ labelSelector: "type=kwok" })).items.map((node) => node.metadata?.name),
  );
  for (const pod of pods.items) {
    assert.equal(pod.status?.phase, "Running");
    assert.ok(isReady(pod), `pod ${pod.metadata?.name} Ready`);
    assert.ok(kwokNodes.has(pod.spec?.nodeName), `pod on a kwok node, got ${pod.spec?.nodeName}`);
    assert.ok(inPodRange(pod.status?.podIP), `pod IP from kwok's range, got ${pod.status?.podIP}`);
    assert.equal(pod.metadata?.ownerReferences?.[0]?.uid, replicaSets.items[0]?.metadata?.uid);
  }
});

void test("deleting a Deployment garbage-collects its ReplicaSet and pods", async (t) => {
  const namespace = await createTestNamespace(t);
  const kc = testCluster();
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  await apps.createNamespacedDeployment({ namespace, body: deployment("doomed", 1) });
  await waitFor(async () => (await core.listNamespacedPod({ namespace })).items.some(isReady), {
    what: "a Ready pod of Deployment doomed",
    timeoutMs: 60_000,
  });

  await apps.deleteNamespacedDeployment({ namespace, name: "doomed" });

  await waitFor(async () => (await apps.listNamespacedReplicaSet({ namespace })).items.length === 0, {
    what: "the garbage collector to delete the ReplicaSet",
    timeoutMs: 60_000,
  });
  await waitFor(async () => (await core.listNamespacedPod({ namespace })).items.length === 0, {
    what: "the garbage collector and kwok to remove the pods",
    timeoutMs: 60_000,
  });
});

void test("a StatefulSet creates its ordinal pods, which become Ready", async (t) => {
  const namespace = await createTestNamespace(t);
  const kc = testCluster();
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const statefulSet: V1StatefulSet = {
    metadata: { name: "db" },
    spec: {
      replicas: 2,
      serviceName: "db",
      selector: { matchLabels: { app: "db" } },
      template: {
        metadata: { labels: { app: "db" } },
        spec: { containers: [{ name: "main", image: "registry.invalid/db:1" }] },
      },
    },
  };
  await apps.createNamespacedStatefulSet({ namespace, body: statefulSet });

  await waitFor(
    async () => (await apps.readNamespacedStatefulSet({ namespace, name: "db" })).status?.readyReplicas === 2,
    { what: "StatefulSet db to have 2 ready replicas", timeoutMs: 60_000 },
  );
  const names = (await core.listNamespacedPod({ namespace })).items.map((pod) => pod.metadata?.name).sort();
  assert.deepEqual(names, ["db-0", "db-1"]);
});

void test("Gateway API CRDs are installed: an HTTPRoute is stored and its schema is enforced", async (t) => {
  const namespace = await createTestNamespace(t, { waitForDefaultServiceAccount: false });
  const objects = KubernetesObjectApi.makeApiClient(testCluster());
  const route = (name: string, port: number | undefined): KubernetesObject & { spec: unknown } => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace },
    spec: {
      parentRefs: [{ name: "edge", namespace: "gateways" }],
      hostnames: ["media.example.test"],
      rules: [{ backendRefs: [{ name: "web", ...(port === undefined ? {} : { port }) }] }],
    },
  });

  await objects.create(route("web", 8080));
  const stored = await objects.read<KubernetesObject & { spec?: { hostnames?: string[] } }>({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "web", namespace },
  });
  assert.deepEqual(stored.spec?.hostnames, ["media.example.test"]);
  assert.ok(stored.metadata?.uid, "stored with a uid");

  const rejected = await objects.create(route("no-port", undefined)).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.equal(apiStatusCode(rejected), 422, "a Service backendRef without a port is invalid");
  assert.match(String((rejected as { body?: unknown }).body), /Must have port for Service reference/);
});

void test("RBAC is enforced for ServiceAccount tokens minted through TokenRequest", async (t) => {
  const namespace = await createTestNamespace(t);
  const admin = testCluster();
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: "reader" } } });
  const reader = (await serviceAccountKubeconfig(namespace, "reader")).kubeConfig.makeApiClient(CoreV1Api);

  const denied = await reader.listNamespacedPod({ namespace }).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.equal(apiStatusCode(denied), 403, "no RoleBinding yet: listing pods is forbidden");

  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: "pod-reader" },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: "reader-reads-pods" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
      subjects: [{ kind: "ServiceAccount", name: "reader", namespace }],
    },
  });
  const pods = await waitFor(() => reader.listNamespacedPod({ namespace }), {
    what: "the RoleBinding to let the ServiceAccount list pods",
    timeoutMs: 20_000,
  });
  assert.deepEqual(pods.items, []);

  const elsewhere = await reader.listNamespacedPod({ namespace: "kube-system" }).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.equal(apiStatusCode(elsewhere), 403, "the Role grants nothing outside its namespace");
});

void test("a PVC binds to the static PV reserved for it with claimRef and volumeName", async (t) => {
  const namespace = await createTestNamespace(t, { waitForDefaultServiceAccount: false });
  const core = testCluster().makeApiClient(CoreV1Api);
  const pvName = `${namespace}-media`;
  await core.createPersistentVolume({
    body: {
      metadata: { name: pvName },
      spec: {
        capacity: { storage: "1Gi" },
        accessModes: ["ReadWriteMany"],
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName: "",
        claimRef: { namespace, name: "media" },
        nfs: { server: "10.96.0.10", path: "/export/media" },
      },
    },
  });
  t.after(async () => {
    await core.deletePersistentVolume({ name: pvName });
  });
  const claim = await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: {
      metadata: { name: "media" },
      spec: {
        accessModes: ["ReadWriteMany"],
        storageClassName: "",
        volumeName: pvName,
        resources: { requests: { storage: "1Gi" } },
      },
    },
  });

  const bound = await waitFor(
    async () => {
      const current = await core.readNamespacedPersistentVolumeClaim({ namespace, name: "media" });
      return current.status?.phase === "Bound" ? current : undefined;
    },
    { what: "PVC media to be Bound", timeoutMs: 30_000 },
  );
  assert.equal(bound.spec?.volumeName, pvName);
  const volume = await waitFor(
    async () => {
      const current = await core.readPersistentVolume({ name: pvName });
      return current.status?.phase === "Bound" ? current : undefined;
    },
    { what: `PV ${pvName} to be Bound`, timeoutMs: 30_000 },
  );
  assert.equal(volume.spec?.claimRef?.uid, claim.metadata?.uid);
  assert.ok(bound.metadata?.finalizers?.includes("kubernetes.io/pvc-protection"), "PVC protection finalizer");
});

void test("deleting a namespace removes it and what it contains", async (t) => {
  const core = testCluster().makeApiClient(CoreV1Api);
  const namespace = await createTestNamespace(t, { waitForDefaultServiceAccount: false });
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: "settings" }, data: { a: "1" } },
  });

  await core.deleteNamespace({ name: namespace });

  await waitFor(
    async () => {
      try {
        await core.readNamespace({ name: namespace });
        return false;
      } catch (error) {
        if (apiStatusCode(error) === 404) return true;
        throw error;
      }
    },
    { what: `namespace ${namespace} to be deleted by the namespace controller`, timeoutMs: 60_000 },
  );
});
