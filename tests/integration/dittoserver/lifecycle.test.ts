// A DittoServer's life on the real test cluster with the operator in-process: the quick start
// becomes Ready, children are owned, config vs unrelated edits, drift, stop/start, deletion, CEL.
import assert from "node:assert/strict";
import { after, before, test, type TestContext } from "node:test";
import type { RunningOperator } from "../../../operator/main.js";
import type { DittoServer } from "../../../operator/generated/dittoserver.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import {
  apps,
  conditionOf,
  core,
  createIn,
  custom,
  dittoApi,
  dittoServer,
  eventsFor,
  getServer,
  getStatefulSet,
  isGone,
  isReadyAtGeneration,
  kubectl,
  mergePatch,
  patchServerSpec,
  provideVolumes,
  refusalMessage,
  sampleDocuments,
  startTestOperator,
  templateHash,
  waitForEvent,
  waitForReady,
  waitForServer,
  plain,
} from "./dittoserver-support.js";

let running: RunningOperator;

before(async () => {
  running = await startTestOperator();
});

after(async () => {
  await running.stop();
});

/** A namespace with a small SQLite server `name` in it, Ready. */
async function readyServer(
  t: TestContext,
  name: string,
): Promise<{ namespace: string; server: DittoServer }> {
  const namespace = await createTestNamespace(t);
  await provideVolumes(t, namespace, name, { metadata: "1Gi" });
  await createIn(namespace, dittoServer(name, { storage: { metadataSize: "1Gi" } }));
  return { namespace, server: await waitForReady(namespace, name) };
}

test("the quick-start sample becomes Ready and kubectl shows its status", async (t) => {
  const namespace = await createTestNamespace(t);
  await provideVolumes(t, namespace, "my-dittofs", { metadata: "10Gi", cache: "5Gi" });
  const [sample] = sampleDocuments("quick-start.yaml");
  assert.ok(sample);
  await createIn(namespace, sample);

  await kubectl("wait", "--for=condition=Ready", "dittoserver/my-dittofs", "-n", namespace, "--timeout=120s");
  const server = await getServer(namespace, "my-dittofs");
  assert.equal(server.status?.phase, "Running");
  assert.equal(server.status?.replicas, 1);
  assert.equal(server.status?.readyReplicas, 1);
  assert.equal(server.status?.observedGeneration, server.metadata.generation);
  assert.equal(server.status?.nfsEndpoint, `my-dittofs-file.${namespace}.svc.cluster.local:2049`);
  assert.equal(server.status?.perconaClusterName, undefined);
  const statusOf = (type: string): string | undefined => {
    const condition = conditionOf(server, type);
    return condition && `${condition.status}/${condition.reason}`;
  };
  assert.equal(statusOf("Ready"), "True/Succeeded");
  assert.equal(statusOf("ConfigReady"), "True/ConfigApplied");
  assert.equal(statusOf("Available"), "True/MinimumReplicasAvailable");
  assert.equal(statusOf("Progressing"), "False/RolloutComplete");
  assert.equal(conditionOf(server, "DatabaseReady"), undefined, "no DatabaseReady with SQLite");
  assert.equal(conditionOf(server, "Reconciling"), undefined);
  assert.deepEqual(server.metadata.finalizers, ["dittofs.dittofs.com/finalizer"]);

  const statefulSet = await getStatefulSet(namespace, "my-dittofs");
  assert.equal(server.status?.configHash, templateHash(statefulSet));

  const table = await kubectl("get", "ditto", "-n", namespace, "-o", "wide");
  assert.match(table, /NAME\s+REPLICAS\s+READY\s+REASON\s+STATUS\s+READY PODS\s+NFS\s+AGE/);
  assert.match(
    table,
    new RegExp(`my-dittofs\\s+1\\s+True\\s+\\w+\\s+Running\\s+1\\s+my-dittofs-file\\.${namespace}\\.svc`),
  );
  const described = await kubectl("describe", "dittoserver", "my-dittofs", "-n", namespace);
  assert.match(described, /CredentialsGenerated/);
});

test("children carry a controller owner reference; the control-plane Secret does not", async (t) => {
  const { namespace, server } = await readyServer(t, "owned");
  const uid = server.metadata.uid;
  const owned: Array<[string, () => Promise<{ metadata?: { ownerReferences?: unknown[] } }>]> = [
    ["ConfigMap owned-config", () => core.readNamespacedConfigMap({ namespace, name: "owned-config" })],
    ["StatefulSet owned", () => apps.readNamespacedStatefulSet({ namespace, name: "owned" })],
    ["Service owned-headless", () => core.readNamespacedService({ namespace, name: "owned-headless" })],
    ["Service owned-file", () => core.readNamespacedService({ namespace, name: "owned-file" })],
    ["Service owned-api", () => core.readNamespacedService({ namespace, name: "owned-api" })],
  ];
  for (const [what, read] of owned) {
    const object = await read();
    assert.deepEqual(
      plain(object.metadata?.ownerReferences),
      [
        {
          apiVersion: "dittofs.dittofs.com/v1alpha1",
          kind: "DittoServer",
          name: "owned",
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      what,
    );
  }
  assert.ok(await isGone(() => core.readNamespacedService({ namespace, name: "owned-metrics" })));

  const secret = await core.readNamespacedSecret({ namespace, name: "owned-controlplane" });
  assert.equal(secret.metadata?.ownerReferences, undefined, "the control-plane Secret outlives the server");
  const jwt = Buffer.from(secret.data?.["jwt-secret"] ?? "", "base64").toString("utf8");
  const password = Buffer.from(secret.data?.["admin-password"] ?? "", "base64").toString("utf8");
  assert.ok(jwt.length >= 32, "JWT secret of at least 32 characters");
  assert.ok(password.length >= 16);

  const pod = await core.readNamespacedPod({ namespace, name: "owned-0" });
  assert.equal(pod.status?.phase, "Running");
  const env = pod.spec?.containers[0]?.env ?? [];
  assert.deepEqual(
    plain(env.find((v) => v.name === "DITTOFS_CONTROLPLANE_SECRET")?.valueFrom?.secretKeyRef),
    {
      name: "owned-controlplane",
      key: "jwt-secret",
    },
  );
  // The pod reads the Secret by reference; its values are nowhere else.
  const configMap = await core.readNamespacedConfigMap({ namespace, name: "owned-config" });
  const everywhere = JSON.stringify([configMap, await getServer(namespace, "owned")]);
  assert.ok(!everywhere.includes(jwt) && !everywhere.includes(password));
});

test("an unrelated spec edit keeps the config hash; a config change rolls the pod; a dropped child is pruned", async (t) => {
  const { namespace } = await readyServer(t, "hash");
  const first = await getStatefulSet(namespace, "hash");
  const hash = templateHash(first);
  assert.ok(hash);

  await patchServerSpec(namespace, "hash", { service: { annotations: { "example.com/lb": "internal" } } });
  await waitFor(
    async () =>
      (await core.readNamespacedService({ namespace, name: "hash-file" })).metadata?.annotations?.[
        "example.com/lb"
      ] === "internal",
    { what: "the file Service annotation", timeoutMs: 30_000 },
  );
  const annotated = await waitForReady(namespace, "hash");
  assert.equal(annotated.metadata.generation, 2);
  const unchanged = await getStatefulSet(namespace, "hash");
  assert.equal(templateHash(unchanged), hash, "service annotations are not configuration");
  assert.equal(unchanged.metadata?.generation, first.metadata?.generation, "the StatefulSet was not touched");
  assert.equal(annotated.status?.configHash, hash);

  await patchServerSpec(namespace, "hash", { metrics: { enabled: true } });
  const changed = await waitForServer(
    namespace,
    "hash",
    "a new config hash, Ready again",
    (server) => server.status?.configHash !== hash && isReadyAtGeneration(server),
    90_000,
  );
  const newHash = changed.status?.configHash;
  assert.ok(newHash);
  assert.equal(templateHash(await getStatefulSet(namespace, "hash")), newHash);
  const configMap = await core.readNamespacedConfigMap({ namespace, name: "hash-config" });
  assert.match(configMap.data?.["config.yaml"] ?? "", /metrics:\n {2}enabled: true/);
  await core.readNamespacedService({ namespace, name: "hash-metrics" });
  await waitFor(
    async () =>
      (await core.readNamespacedPod({ namespace, name: "hash-0" })).metadata?.annotations?.[
        "dittofs.dittofs.com/config-hash"
      ] === newHash,
    { what: "the pod re-created with the new config hash", timeoutMs: 60_000 },
  );
  await waitForEvent(namespace, "hash", "Normal", "ConfigChanged", "the pod restarts");

  await patchServerSpec(namespace, "hash", { metrics: { enabled: false } });
  await waitFor(() => isGone(() => core.readNamespacedService({ namespace, name: "hash-metrics" })), {
    what: "Service hash-metrics pruned",
    timeoutMs: 30_000,
  });
  await waitForEvent(namespace, "hash", "Normal", "Pruned", "Service hash-metrics");
});

test("a deleted child Service and a hand-edited ConfigMap are repaired", async (t) => {
  const { namespace } = await readyServer(t, "drift");
  const before = await core.readNamespacedService({ namespace, name: "drift-file" });
  await core.deleteNamespacedService({ namespace, name: "drift-file" });
  const recreated = await waitFor(
    async () => {
      const service = await core.readNamespacedService({ namespace, name: "drift-file" });
      return service.metadata?.uid !== before.metadata?.uid ? service : undefined;
    },
    { what: "Service drift-file re-created", timeoutMs: 30_000 },
  );
  assert.deepEqual(
    recreated.spec?.ports?.map((port) => [port.name, port.port]),
    [["nfs", 2049]],
  );

  const original = (await core.readNamespacedConfigMap({ namespace, name: "drift-config" })).data?.[
    "config.yaml"
  ];
  await core.patchNamespacedConfigMap(
    { namespace, name: "drift-config", body: { data: { "config.yaml": "tampered: true\n" } } },
    mergePatch,
  );
  await waitFor(
    async () =>
      (await core.readNamespacedConfigMap({ namespace, name: "drift-config" })).data?.["config.yaml"] ===
      original,
    { what: "config.yaml restored", timeoutMs: 30_000 },
  );
});

test("replicas 0 stops the server (phase Stopped, not Ready) and 1 starts it again", async (t) => {
  const { namespace } = await readyServer(t, "stop");
  await patchServerSpec(namespace, "stop", { replicas: 0 });
  const stopped = await waitForServer(
    namespace,
    "stop",
    "Stopped",
    (server) =>
      server.status?.phase === "Stopped" &&
      server.status.observedGeneration === server.metadata.generation &&
      server.status.replicas === 0,
    60_000,
  );
  assert.equal(conditionOf(stopped, "Available")?.reason, "ScaledToZero");
  assert.equal(conditionOf(stopped, "Ready")?.status, "False");
  assert.equal(conditionOf(stopped, "Ready")?.reason, "ScaledToZero");
  assert.ok(await isGone(() => core.readNamespacedPod({ namespace, name: "stop-0" })));
  await core.readNamespacedPersistentVolumeClaim({ namespace, name: "metadata-stop-0" });

  await patchServerSpec(namespace, "stop", { replicas: 1 });
  const started = await waitForReady(namespace, "stop");
  assert.equal(started.status?.phase, "Running");
});

test("deleting the server garbage-collects its children but keeps PVCs and the control-plane Secret", async (t) => {
  const { namespace } = await readyServer(t, "gone");
  await core.readNamespacedPersistentVolumeClaim({ namespace, name: "metadata-gone-0" });
  await custom.deleteNamespacedCustomObject({ ...dittoApi, namespace, name: "gone" });
  await waitFor(() => isGone(() => getServer(namespace, "gone")), {
    what: "the DittoServer gone (finalizer removed)",
    timeoutMs: 30_000,
  });
  const children: Array<[string, () => Promise<unknown>]> = [
    ["StatefulSet gone", () => apps.readNamespacedStatefulSet({ namespace, name: "gone" })],
    ["ConfigMap gone-config", () => core.readNamespacedConfigMap({ namespace, name: "gone-config" })],
    ["Service gone-file", () => core.readNamespacedService({ namespace, name: "gone-file" })],
    ["Service gone-api", () => core.readNamespacedService({ namespace, name: "gone-api" })],
    ["Service gone-headless", () => core.readNamespacedService({ namespace, name: "gone-headless" })],
    ["Pod gone-0", () => core.readNamespacedPod({ namespace, name: "gone-0" })],
  ];
  for (const [what, read] of children) {
    await waitFor(() => isGone(read), { what: `${what} garbage-collected`, timeoutMs: 60_000 });
  }
  const claim = await core.readNamespacedPersistentVolumeClaim({ namespace, name: "metadata-gone-0" });
  assert.equal(claim.metadata?.deletionTimestamp, undefined, "the data volume is never deleted");
  await core.readNamespacedSecret({ namespace, name: "gone-controlplane" });
  const kept = (await eventsFor(namespace, "gone")).find((event) => event.reason === "VolumesKept");
  assert.match(kept?.message ?? "", /metadata-gone-0/);
});

test("the API server refuses invalid DittoServers with the CRD's messages", async (t) => {
  const namespace = await createTestNamespace(t, { waitForDefaultServiceAccount: false });
  const refused = async (server: DittoServer): Promise<string> => {
    try {
      await createIn(namespace, server);
    } catch (error) {
      return refusalMessage(error);
    }
    assert.fail(`${server.metadata.name} was accepted`);
  };
  assert.match(
    await refused(
      dittoServer("both-databases", {
        storage: { metadataSize: "1Gi" },
        percona: { enabled: true },
        database: { type: "postgres", postgresSecretRef: { name: "pg" } },
      }),
    ),
    /choose one database source/,
  );
  assert.match(
    await refused(dittoServer("two", { storage: { metadataSize: "1Gi" }, replicas: 2 })),
    /spec\.replicas/,
  );
  assert.match(
    await refused(dittoServer("bad-size", { storage: { metadataSize: "ten gigabytes" } })),
    /spec\.storage\.metadataSize/,
  );

  await createIn(namespace, dittoServer("fixed", { storage: { metadataSize: "1Gi" } }));
  try {
    await patchServerSpec(namespace, "fixed", { storage: { metadataSize: "2Gi" } });
    assert.fail("a volume size change was accepted");
  } catch (error) {
    assert.match(refusalMessage(error), /cannot change after creation/);
  }
});
