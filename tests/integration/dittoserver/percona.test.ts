// The Percona path on the real test cluster: without Percona's CRD the server says to install it;
// with a stand-in CRD served by the apiserver (the test plays the Percona operator: it sets
// status.state and writes the user Secret) the database becomes ready and feeds the pod's env;
// deletion removes the Percona cluster only with deleteWithServer.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { RunningOperator } from "../../../operator/main.js";
import type { DittoServer } from "../../../operator/generated/dittoserver.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import {
  conditionOf,
  core,
  createIn,
  custom,
  dittoApi,
  dittoServer,
  getServer,
  getStatefulSet,
  installCrd,
  isGone,
  mergePatch,
  patchServerSpec,
  provideVolumes,
  removeCrd,
  sampleDocuments,
  standInCrd,
  startTestOperator,
  waitForEvent,
  waitForReady,
  waitForServer,
  plain,
} from "./dittoserver-support.js";

const perconaCrdName = "perconapgclusters.pgv2.percona.com";
const perconaApi = { group: "pgv2.percona.com", version: "v2", plural: "perconapgclusters" };

interface PerconaCluster extends KubernetesObject {
  spec: { instances: Array<{ replicas: number }>; users: Array<{ name: string; databases: string[] }> };
  status?: { state?: string };
}

const installPerconaCrd = (): Promise<void> =>
  installCrd(standInCrd("pgv2.percona.com", "v2", "PerconaPGCluster", "perconapgclusters"));
const removePerconaCrd = (): Promise<void> => removeCrd(perconaCrdName);

async function getCluster(namespace: string, name: string): Promise<PerconaCluster> {
  return (await custom.getNamespacedCustomObject({ ...perconaApi, namespace, name })) as PerconaCluster;
}

/** What the Percona operator does once the cluster is up: the user Secret, then status.state ready. */
async function playPerconaOperator(namespace: string, cluster: string): Promise<void> {
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: `${cluster}-pguser-dittofs` },
      stringData: {
        host: `${cluster}-pgbouncer.${namespace}.svc`,
        port: "5432",
        dbname: "dittofs",
        user: "dittofs",
        password: "not-a-real-password",
        uri: `postgresql://dittofs:not-a-real-password@${cluster}-pgbouncer.${namespace}.svc:5432/dittofs`,
      },
    },
  });
  await custom.patchNamespacedCustomObjectStatus(
    { ...perconaApi, namespace, name: cluster, body: { status: { state: "ready" } } },
    mergePatch,
  );
}

let running: RunningOperator;

before(async () => {
  // The first test needs a cluster without Percona; the operator must start while it is absent.
  await removePerconaCrd();
  running = await startTestOperator();
});

after(async () => {
  await running.stop();
  await removePerconaCrd();
});

const [sample] = sampleDocuments("with-percona.yaml") as [DittoServer];
/**
 * No PostgreSQL runs here (the Percona operator is played by the test), so no dfs can start on these
 * servers: the operator is told to leave their REST configuration alone (serves-files.test.ts tests it).
 */
const unmanaged = { serverApi: { manage: false } } as const;
const perconaSample: DittoServer = { ...sample, spec: { ...sample.spec, ...unmanaged } };
const sampleVolumes = { metadata: "10Gi", cache: "5Gi", content: "50Gi" };

test("without Percona's CRD the server says to install it; once installed the database comes up", async (t) => {
  const namespace = await createTestNamespace(t);
  const name = perconaSample.metadata.name ?? "";
  const cluster = `${name}-postgres`;
  await provideVolumes(t, namespace, name, sampleVolumes);
  await createIn(namespace, perconaSample);

  const missing = await waitForServer(
    namespace,
    name,
    "DatabaseReady=False PerconaNotInstalled",
    (server) => conditionOf(server, "DatabaseReady")?.reason === "PerconaNotInstalled",
  );
  const database = conditionOf(missing, "DatabaseReady");
  assert.equal(database?.status, "False");
  assert.match(database?.message ?? "", /install the Percona Operator for PostgreSQL v2/);
  assert.equal(conditionOf(missing, "Ready")?.status, "False");
  assert.equal(missing.status?.phase, "Failed");
  assert.equal(missing.status?.perconaClusterName, cluster);
  await waitForEvent(namespace, name, "Warning", "PerconaNotInstalled", "perconapgclusters.pgv2.percona.com");

  // The user installs Percona: the operator notices on its own (informer re-check plus requeue).
  await installPerconaCrd();
  const created = await waitFor(() => getCluster(namespace, cluster), {
    what: `PerconaPGCluster ${cluster} created`,
    timeoutMs: 120_000,
    intervalMs: 500,
  });
  assert.equal(created.metadata?.labels?.["app.kubernetes.io/instance"], name);
  assert.equal(created.metadata?.ownerReferences, undefined, "kept with the data unless deleteWithServer");
  assert.deepEqual(created.spec.users, [{ name: "dittofs", databases: ["dittofs", "dittofs_metadata"] }]);
  const waiting = await waitForServer(
    namespace,
    name,
    "DatabaseReady=False PerconaClusterNotReady",
    (server) => conditionOf(server, "DatabaseReady")?.reason === "PerconaClusterNotReady",
  );
  assert.equal(conditionOf(waiting, "Progressing")?.reason, "WaitingForDatabase");
  assert.equal(conditionOf(waiting, "Ready")?.status, "False");
  await waitForEvent(namespace, name, "Normal", "WaitingForDatabase", cluster);

  await playPerconaOperator(namespace, cluster);
  const ready = await waitForReady(namespace, name, 30_000);
  assert.equal(conditionOf(ready, "DatabaseReady")?.status, "True");
  assert.equal(conditionOf(ready, "DatabaseReady")?.reason, "DatabaseAvailable");
  assert.equal(ready.status?.phase, "Running");
  await waitForEvent(namespace, name, "Normal", "DatabaseReady", cluster);

  const statefulSet = await getStatefulSet(namespace, name);
  const pod = statefulSet.spec?.template.spec;
  const env = pod?.containers[0]?.env ?? [];
  const secret = `${cluster}-pguser-dittofs`;
  for (const [variable, key] of [
    ["DITTOFS_DATABASE_POSTGRES_HOST", "host"],
    ["DITTOFS_DATABASE_POSTGRES_PORT", "port"],
    ["DITTOFS_DATABASE_POSTGRES_DATABASE", "dbname"],
    ["DITTOFS_DATABASE_POSTGRES_USER", "user"],
    ["DITTOFS_DATABASE_POSTGRES_PASSWORD", "password"],
  ] as const) {
    assert.deepEqual(
      plain(env.find((v) => v.name === variable)?.valueFrom?.secretKeyRef),
      { name: secret, key },
      variable,
    );
  }
  assert.equal(pod?.initContainers?.[0]?.name, "wait-for-database");
  const configMap = await core.readNamespacedConfigMap({ namespace, name: `${name}-config` });
  assert.match(configMap.data?.["config.yaml"] ?? "", /database:\n {2}type: postgres/);

  // The cluster follows the spec after creation.
  await patchServerSpec(namespace, name, { percona: { replicas: 2 } });
  await waitFor(async () => (await getCluster(namespace, cluster)).spec.instances[0]?.replicas === 2, {
    what: "PerconaPGCluster instances scaled to 2",
    timeoutMs: 30_000,
  });

  // deleteWithServer is false: the database outlives the server, like the PVCs.
  await custom.deleteNamespacedCustomObject({ ...dittoApi, namespace, name });
  await waitFor(() => isGone(() => getServer(namespace, name)), {
    what: "DittoServer deleted",
    timeoutMs: 30_000,
  });
  await waitFor(() => isGone(() => getStatefulSet(namespace, name)), {
    what: "StatefulSet garbage-collected",
    timeoutMs: 60_000,
  });
  const kept = await getCluster(namespace, cluster);
  assert.equal(kept.metadata?.deletionTimestamp, undefined);
  await core.readNamespacedPersistentVolumeClaim({ namespace, name: `metadata-${name}-0` });
});

test("with deleteWithServer the Percona cluster is owned and deleted with the server", async (t) => {
  await installPerconaCrd();
  const namespace = await createTestNamespace(t);
  const name = "pg-owned";
  const cluster = `${name}-postgres`;
  await provideVolumes(t, namespace, name, { metadata: "1Gi" });
  const created = dittoServer(name, {
    storage: { metadataSize: "1Gi" },
    percona: { enabled: true, deleteWithServer: true },
    ...unmanaged,
  });
  await createIn(namespace, created);
  const owned = await waitFor(() => getCluster(namespace, cluster), {
    what: `PerconaPGCluster ${cluster} created`,
    timeoutMs: 60_000,
  });
  const server = await getServer(namespace, name);
  assert.deepEqual(
    owned.metadata?.ownerReferences?.map((reference) => [
      reference.kind,
      reference.uid,
      reference.controller,
    ]),
    [["DittoServer", server.metadata.uid, true]],
  );
  await playPerconaOperator(namespace, cluster);
  await waitForReady(namespace, name, 30_000);

  await custom.deleteNamespacedCustomObject({ ...dittoApi, namespace, name });
  await waitFor(() => isGone(() => getCluster(namespace, cluster)), {
    what: `PerconaPGCluster ${cluster} deleted with the server`,
    timeoutMs: 60_000,
  });
  await waitForEvent(namespace, name, "Normal", "DatabaseDeleted", cluster);
  await core.readNamespacedPersistentVolumeClaim({ namespace, name: `metadata-${name}-0` });
});
