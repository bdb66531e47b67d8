// With Percona, DittoFS keeps its metadata in PostgreSQL: the test plays the Percona operator with a real
// postgres (tests/cluster/postgres-server.ts) and a real dfs pod, writes over NFS and reads the rows back.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { DittoFsClient } from "../../../operator/clients/dittofs/client.js";
import type { DittoServerSpec } from "../../../operator/generated/dittoserver.js";
import { CONTROL_PLANE_SECRET_KEYS } from "../../../operator/controllers/dittoserver/render/control-plane-secret.js";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { nfsCopyIn, nfsCopyOut, waitForExport, type NfsTarget } from "../../cluster/nfs/nfs-client.js";
import { startPostgresServer, type PostgresServer } from "../../cluster/postgres-server.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import {
  conditionOf,
  core,
  createIn,
  custom,
  dittoServer,
  eventsFor,
  installCrd,
  mergePatch,
  patchServerSpec,
  provideVolumes,
  standInCrd,
  startTestOperator,
  waitForEvent,
  waitForReady,
  waitForServer,
  type TestOperator,
} from "./dittoserver-support.js";
import { fileServingSkip } from "./real-dfs-support.js";

const skip = fileServingSkip();
const perconaApi = { group: "pgv2.percona.com", version: "v2", plural: "perconapgclusters" };
/** The role the Percona cluster creates (its spec.users[0].name); one role, a database pair per test. */
const USER = "dittofs";
const PASSWORD = randomBytes(18).toString("base64url");

let postgres: PostgresServer;
let running: TestOperator;

before(async () => {
  if (skip !== false) return;
  await installCrd(standInCrd("pgv2.percona.com", "v2", "PerconaPGCluster", "perconapgclusters"));
  postgres = await startPostgresServer();
  await postgres.createUser(USER, PASSWORD, []);
  running = await startTestOperator();
});

after(async () => {
  await running?.stop();
  await postgres?.stop();
});

interface PerconaCluster extends KubernetesObject {
  spec: { users: Array<{ name: string; databases: string[] }> };
}

/**
 * What the Percona operator does: the databases of spec.users, the user Secret (its keys as
 * generatePostgresUserSecret writes them) pointing at the real postgres, then status.state ready.
 */
async function playPerconaOperator(namespace: string, cluster: string, password: string): Promise<string[]> {
  const created = (await waitFor(
    () =>
      custom.getNamespacedCustomObject({ ...perconaApi, namespace, name: cluster }).catch(() => undefined),
    { what: `PerconaPGCluster ${cluster}`, timeoutMs: 60_000 },
  )) as PerconaCluster;
  const databases = created.spec.users[0]?.databases ?? [];
  for (const database of databases) {
    await postgres.query("postgres", `CREATE DATABASE "${database}" OWNER "${USER}"`);
  }
  const [dbname = ""] = databases;
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: `${cluster}-pguser-${USER}` },
      stringData: {
        host: postgres.host,
        port: String(postgres.port),
        dbname,
        user: USER,
        password,
        uri: `postgresql://${USER}:${password}@${postgres.host}:${postgres.port}/${dbname}`,
      },
    },
  });
  await custom.patchNamespacedCustomObjectStatus(
    { ...perconaApi, namespace, name: cluster, body: { status: { state: "ready" } } },
    mergePatch,
  );
  return databases;
}

async function setSecretPassword(namespace: string, cluster: string, password: string): Promise<void> {
  await core.patchNamespacedSecret(
    { namespace, name: `${cluster}-pguser-${USER}`, body: { stringData: { password } } },
    mergePatch,
  );
}

async function adminClient(namespace: string, name: string, url: string): Promise<DittoFsClient> {
  const secret = await core.readNamespacedSecret({ namespace, name: `${name}-controlplane` });
  const password = Buffer.from(
    secret.data?.[CONTROL_PLANE_SECRET_KEYS.adminPassword] ?? "",
    "base64",
  ).toString();
  return new DittoFsClient({ url, username: "admin", password, timeoutMs: 10_000 });
}

/** The spec of a Percona server whose NFS adapter is on a free port; sslmode off for the test postgres. */
async function perconaSpec(
  databaseName: string,
  extra: Partial<DittoServerSpec> = {},
): Promise<{ spec: DittoServerSpec; nfsPort: number }> {
  const [nfsPort = 0] = await freeLoopbackPorts(1);
  return {
    nfsPort,
    spec: {
      storage: { metadataSize: "1Gi" },
      nfsPort,
      percona: { enabled: true, databaseName },
      database: { sslMode: "disable" },
      ...extra,
    },
  };
}

async function roundTrip(t: TestContext, nfs: NfsTarget, name: string, bytes: Buffer): Promise<void> {
  const local = join(tmpdir(), `mediaplane-pg-${randomBytes(6).toString("hex")}`);
  const back = `${local}.back`;
  t.after(() => Promise.all([rm(local, { force: true }), rm(back, { force: true })]));
  await writeFile(local, bytes);
  await waitForExport(nfs);
  await nfsCopyIn(nfs, local, `/${name}`);
  await nfsCopyOut(nfs, `/${name}`, back);
  assert.deepEqual(await readFile(back), bytes, "read back byte for byte over NFS");
}

/** Nothing the operator publishes may carry the database password. */
async function assertPasswordNowhere(namespace: string, name: string, password: string): Promise<void> {
  const server = await custom.getNamespacedCustomObject({
    group: "dittofs.dittofs.com",
    version: "v1alpha1",
    plural: "dittoservers",
    namespace,
    name,
  });
  assert.ok(!JSON.stringify(server).includes(password), "the password is not in the DittoServer");
  const events = await eventsFor(namespace, name);
  assert.ok(!JSON.stringify(events).includes(password), "the password is in no Event");
}

test(
  "with Percona the metadata store is DittoFS's postgres store; a file written over NFS is in its tables",
  { skip },
  async (t) => {
    const namespace = await createTestNamespace(t);
    const name = "pg-meta";
    const { spec, nfsPort } = await perconaSpec("pgmeta_served");
    await provideVolumes(t, namespace, name, { metadata: "1Gi" });
    await createIn(namespace, dittoServer(name, spec));
    const databases = await playPerconaOperator(namespace, `${name}-postgres`, PASSWORD);
    assert.deepEqual(
      databases,
      ["pgmeta_served", "pgmeta_served_metadata"],
      "a second database for the metadata store",
    );

    const ready = await waitForReady(namespace, name, 180_000);
    assert.equal(conditionOf(ready, "ServerConfigured")?.reason, "Configured");
    const pod = running.fleet.pod(namespace, name);
    assert.ok(pod, "the operator configured the fleet's dfs pod");
    const client = await adminClient(namespace, name, pod.apiUrl);
    const store = (await client.listMetadataStores()).find((s) => s.name === "mediaplane-metadata");
    assert.equal(store?.type, "postgres");
    assert.equal(store?.config?.["host"], postgres.host);
    assert.equal(store?.config?.["port"], postgres.port);
    assert.equal(store?.config?.["database"], "pgmeta_served_metadata");
    assert.notEqual(store?.config?.["password"], PASSWORD, "DittoFS hands the password back redacted");
    // The control plane (DITTOFS_DATABASE_POSTGRES_*) records the store in its own database.
    assert.deepEqual(await postgres.query("pgmeta_served", "SELECT name, type FROM metadata_stores"), [
      "mediaplane-metadata\tpostgres",
    ]);

    const bytes = randomBytes(48 * 1024);
    await roundTrip(
      t,
      { host: "127.0.0.1", port: nfsPort, exportPath: "/export", uid: 1000, gid: 1000 },
      "hello.bin",
      bytes,
    );
    // DittoFS's schema: parent_child_map names a directory entry (000001_initial_schema.up.sql), inodes
    // holds its size (000032_rename_files_to_inodes.up.sql; both in pkg/metadata/store/postgres/migrations).
    const rows = await postgres.query(
      "pgmeta_served_metadata",
      "SELECT i.size FROM parent_child_map m JOIN inodes i ON i.id = m.child_id WHERE m.child_name = 'hello.bin'",
    );
    assert.deepEqual(rows, [String(bytes.length)], "postgres holds the file's entry and size");
    await assertPasswordNowhere(namespace, name, PASSWORD);
  },
);

test(
  "a wrong password in Percona's Secret gives MetadataStoreRefused without the password; fixing it recovers",
  { skip },
  async (t) => {
    const namespace = await createTestNamespace(t);
    const name = "pg-wrong";
    const cluster = `${name}-postgres`;
    // Unmanaged first, so the pod starts with the right password (its control plane needs it); the
    // Secret then goes wrong before the operator creates the metadata store, as after a rotation.
    const { spec, nfsPort } = await perconaSpec("pgmeta_wrong", { serverApi: { manage: false } });
    await provideVolumes(t, namespace, name, { metadata: "1Gi" });
    await createIn(namespace, dittoServer(name, spec));
    await playPerconaOperator(namespace, cluster, PASSWORD);
    await waitForReady(namespace, name, 120_000);
    const [, fleetUrl] = running.fleet.aliasFor(namespace, name);
    await waitFor(
      async () => (await fetch(`${fleetUrl}/health/ready`).catch(() => undefined))?.status === 200,
      {
        what: `dfs pod of ${name} started`,
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );

    const wrong = `wrong-${randomBytes(9).toString("hex")}`;
    await setSecretPassword(namespace, cluster, wrong);
    await patchServerSpec(namespace, name, { serverApi: { manage: true } });
    const refused = await waitForServer(
      namespace,
      name,
      "ServerConfigured=False MetadataStoreRefused",
      (server) => conditionOf(server, "ServerConfigured")?.reason === "MetadataStoreRefused",
      120_000,
    );
    const condition = conditionOf(refused, "ServerConfigured");
    assert.equal(condition?.status, "False");
    assert.match(condition?.message ?? "", /password authentication failed/);
    assert.match(condition?.message ?? "", new RegExp(`Secret ${cluster}-pguser-${USER}`));
    await waitForEvent(namespace, name, "Warning", "MetadataStoreRefused", "postgres metadata store");
    await assertPasswordNowhere(namespace, name, wrong);

    await setSecretPassword(namespace, cluster, PASSWORD);
    const fixed = await waitForServer(
      namespace,
      name,
      "ServerConfigured=True after the Secret is fixed",
      (server) => conditionOf(server, "ServerConfigured")?.reason === "Configured",
      120_000,
    );
    assert.equal(fixed.status?.shares?.[0]?.served, true);
    await roundTrip(
      t,
      { host: "127.0.0.1", port: nfsPort, exportPath: "/export", uid: 1000, gid: 1000 },
      "after.bin",
      randomBytes(4096),
    );
    const rows = await postgres.query(
      "pgmeta_wrong_metadata",
      "SELECT count(*) FROM parent_child_map WHERE child_name = 'after.bin'",
    );
    assert.deepEqual(rows, ["1"]);
  },
);

test(
  "a server that already keeps its shares on a BadgerDB metadata store keeps them there: MetadataStoreMismatch, nothing migrated",
  { skip },
  async (t) => {
    const namespace = await createTestNamespace(t);
    const name = "pg-badger";
    // As a server configured before this operator used PostgreSQL: badger store and a share on it.
    const { spec, nfsPort } = await perconaSpec("pgmeta_badger", { serverApi: { manage: false } });
    await provideVolumes(t, namespace, name, { metadata: "1Gi" });
    await createIn(namespace, dittoServer(name, spec));
    await playPerconaOperator(namespace, `${name}-postgres`, PASSWORD);
    await waitForReady(namespace, name, 120_000);
    const [, fleetUrl] = running.fleet.aliasFor(namespace, name);
    const earlier = await adminClient(namespace, name, fleetUrl);
    await waitFor(
      () =>
        earlier.listMetadataStores().then(
          () => true,
          () => false,
        ),
      {
        what: `dfs pod of ${name} answering`,
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    await earlier.createMetadataStore("mediaplane-metadata", "badger", { path: "/data/metadata/badger" });
    await earlier.createBlockStore("local", "mediaplane-local", "fs", { path: "/data/content/blocks" });
    await earlier.createShare({
      name: "/export",
      metadata_store_id: "mediaplane-metadata",
      local_block_store: "mediaplane-local",
      read_only: false,
      default_permission: "read-write",
    });

    await patchServerSpec(namespace, name, { serverApi: { manage: true } });
    const reported = await waitForServer(
      namespace,
      name,
      "ServerConfigured=False MetadataStoreMismatch",
      (server) => conditionOf(server, "ServerConfigured")?.reason === "MetadataStoreMismatch",
      120_000,
    );
    const message = conditionOf(reported, "ServerConfigured")?.message ?? "";
    assert.match(message, /mediaplane-metadata is badger, the spec asks for postgres/);
    assert.match(message, /share \/export on it and nothing is migrated/);
    await waitForEvent(namespace, name, "Warning", "MetadataStoreMismatch", "badger");
    const stores = await earlier.listMetadataStores();
    assert.deepEqual(
      stores.map((s) => [s.name, s.type]),
      [["mediaplane-metadata", "badger"]],
      "the badger store is kept and no second store is created",
    );
    assert.deepEqual(
      await postgres.query(
        "pgmeta_badger_metadata",
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
      ),
      ["0"],
      "nothing was written into the metadata database",
    );
    // The share is still served from the kept store.
    assert.equal(reported.status?.shares?.[0]?.served, true);
    await roundTrip(
      t,
      { host: "127.0.0.1", port: nfsPort, exportPath: "/export", uid: 1000, gid: 1000 },
      "kept.bin",
      randomBytes(2048),
    );
  },
);
