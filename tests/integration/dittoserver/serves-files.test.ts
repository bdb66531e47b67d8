// A DittoServer serves files: the operator configures a real dfs pod through the DittoFS REST API and
// a real NFS client (libnfs) writes, reads back and hardlinks on the export; drift, restarts, bad input.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import type { V1Secret } from "@kubernetes/client-node";
import { DittoFsClient } from "../../../operator/clients/dittofs/client.js";
import type { DittoServer, DittoServerSpec } from "../../../operator/generated/dittoserver.js";
import { CONTROL_PLANE_SECRET_KEYS } from "../../../operator/controllers/dittoserver/render/control-plane-secret.js";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import {
  waitForExport,
  nfsCopyIn,
  nfsCopyOut,
  nfsLink,
  nfsList,
  nfsStat,
  type NfsTarget,
} from "../../cluster/nfs/nfs-client.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import {
  conditionOf,
  core,
  createIn,
  dittoServer,
  eventsFor,
  patchServerSpec,
  provideVolumes,
  startTestOperator,
  waitForEvent,
  waitForReady,
  waitForServer,
  type TestOperator,
} from "./dittoserver-support.js";
import type { DfsPod } from "./dfs-pod.js";
import { dfsRequests, fileServingSkip } from "./real-dfs-support.js";

const skip = fileServingSkip();

/** Short, so drift repair and "nothing sent again" are seen within a test; production default 120 s. */
const DRIFT_CHECK_SECONDS = 2;
let running: TestOperator;

before(async () => {
  if (skip !== false) return;
  running = await startTestOperator({ MEDIAPLANE_DITTOFS_DRIFT_CHECK_SECONDS: String(DRIFT_CHECK_SECONDS) });
});

after(async () => {
  await running?.stop();
});

interface ServedServer {
  namespace: string;
  server: DittoServer;
  pod: DfsPod;
  nfs: NfsTarget;
}

/** A Ready DittoServer `name` whose NFS adapter listens on a free loopback port. */
async function servedServer(
  t: TestContext,
  name: string,
  spec: Partial<DittoServerSpec> = {},
): Promise<ServedServer> {
  const namespace = await createTestNamespace(t);
  const [nfsPort = 0] = await freeLoopbackPorts(1);
  await provideVolumes(t, namespace, name, { metadata: "1Gi" });
  await createIn(namespace, dittoServer(name, { storage: { metadataSize: "1Gi" }, nfsPort, ...spec }));
  const server = await waitForReady(namespace, name);
  const pod = running.fleet.pod(namespace, name);
  assert.ok(pod, "the operator configured the server through the fleet's dfs pod");
  const nfs = { host: "127.0.0.1", port: nfsPort, exportPath: "/export", uid: 1000, gid: 1000 };
  // The operator moved the adapter to nfsPort; the listener restarts there.
  await waitForExport(nfs);
  return { namespace, server, pod, nfs };
}

async function localFile(t: TestContext, bytes: Buffer): Promise<string> {
  const file = join(tmpdir(), `mediaplane-nfs-${randomBytes(6).toString("hex")}`);
  await writeFile(file, bytes);
  t.after(() => rm(file, { force: true }));
  return file;
}

async function readOverNfs(t: TestContext, nfs: NfsTarget, path: string): Promise<Buffer> {
  const file = join(tmpdir(), `mediaplane-nfs-${randomBytes(6).toString("hex")}`);
  t.after(() => rm(file, { force: true }));
  await nfsCopyOut(nfs, path, file);
  return readFile(file);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The admin's own client, as someone with dfsctl would act behind the operator's back. */
async function adminClient(namespace: string, name: string, pod: DfsPod): Promise<DittoFsClient> {
  const secret = await core.readNamespacedSecret({ namespace, name: `${name}-controlplane` });
  const password = Buffer.from(
    secret.data?.[CONTROL_PLANE_SECRET_KEYS.adminPassword] ?? "",
    "base64",
  ).toString();
  return new DittoFsClient({ url: pod.apiUrl, username: "admin", password, timeoutMs: 10_000 });
}

/** dfs's requests since output offset `from`, as "METHOD path status". */
function requestsSince(pod: DfsPod, from: number): string[] {
  return dfsRequests(pod.output().slice(from));
}

test(
  "a real NFS client writes a file to the configured export, reads it back byte for byte, and hardlinks keep one inode",
  { skip },
  async (t) => {
    const { namespace, server, pod, nfs } = await servedServer(t, "files");
    assert.equal(conditionOf(server, "ServerConfigured")?.reason, "Configured");
    assert.deepEqual(server.status?.shares, [
      {
        name: "export",
        path: "/export",
        nfsExport: `files-file.${namespace}.svc.cluster.local:/export`,
        served: true,
        inSpec: true,
        deletionPolicy: "Retain",
      },
    ]);
    const configured = await waitForEvent(
      namespace,
      "files",
      "Normal",
      "ServerConfigChanged",
      "created share /export",
    );
    assert.match(configured.message ?? "", /created the badger metadata store mediaplane-metadata/);
    assert.match(configured.message ?? "", new RegExp(`set the nfs adapter to port ${nfs.port}`));
    assert.match(configured.message ?? "", /disabled the smb adapter/);

    const movie = randomBytes(300_032);
    await nfsCopyIn(nfs, await localFile(t, movie), "/movie.mkv");
    assert.deepEqual(await nfsList(nfs), ["movie.mkv"]);
    assert.ok((await readOverNfs(t, nfs, "/movie.mkv")).equals(movie), "read back byte for byte");
    // The bytes are in DittoFS's block store on the content volume, not anywhere else.
    const slice = movie.subarray(100_000, 100_000 + 4096);
    const stored = [];
    for (const file of await filesUnder(join(pod.root, "data", "content"))) {
      if ((await readFile(file)).includes(slice)) stored.push(file);
    }
    assert.ok(stored.length > 0, "the file's bytes are in the content volume's block store");

    await nfsCopyIn(nfs, await localFile(t, randomBytes(1000)), "/other.mkv");
    await nfsLink(nfs, "/movie.mkv", "/library-movie.mkv");
    const [original, link, other] = await nfsStat(nfs, "/movie.mkv", "/library-movie.mkv", "/other.mkv");
    assert.equal(link?.inode, original?.inode, "the hardlink is the same inode");
    assert.equal(original?.links, 2);
    assert.notEqual(other?.inode, original?.inode);
    assert.equal(original?.uid, 1000, "files belong to the writer, the share's owner");
    // Another UID is neither the owner nor granted: the share's defaultPermission is none.
    await assert.rejects(nfsCopyIn({ ...nfs, uid: 1001, gid: 1001 }, await localFile(t, movie), "/intruder"));
  },
);

test(
  "a share deleted behind the operator's back is re-created with its files; a dfs restart re-creates nothing",
  { skip },
  async (t) => {
    const { namespace, pod, nfs } = await servedServer(t, "drift");
    const episode = randomBytes(50_000);
    await nfsCopyIn(nfs, await localFile(t, episode), "/episode.mkv");
    const admin = await adminClient(namespace, "drift", pod);
    await admin.deleteShare("/export");
    await waitForEvent(namespace, "drift", "Normal", "ServerConfigChanged", "re-created share /export");
    await waitFor(() => nfsList(nfs).then((names) => names.includes("episode.mkv")), {
      what: "the export back with its file",
      timeoutMs: 30_000,
    });
    assert.ok(
      (await readOverNfs(t, nfs, "/episode.mkv")).equals(episode),
      "metadata kept on the metadata volume",
    );

    const sharesBefore = await admin.listShares();
    await pod.stop();
    const restartedAt = pod.output().length;
    await pod.start();
    // Two drift checks after the restart, each listing the shares, and not one write.
    const checks = await waitFor(
      () => {
        const lists = requestsSince(pod, restartedAt).filter((line) =>
          line.startsWith("GET /api/v1/shares 200"),
        );
        return lists.length >= 2 ? lists : undefined;
      },
      { what: "two drift checks after the restart", timeoutMs: 60_000 },
    );
    assert.ok(checks.length >= 2);
    const writes = requestsSince(pod, restartedAt).filter((line) => /^(POST|PUT|PATCH|DELETE) /.test(line));
    assert.deepEqual(
      writes.filter((line) => !line.startsWith("POST /api/v1/auth/")),
      [],
      "nothing re-created after the restart",
    );
    assert.deepEqual(
      (await admin.listShares()).map((s) => s.id),
      sharesBefore.map((s) => s.id),
    );
  },
);

test(
  "an admin password edited by hand gives LoginRefused with one refused login, never a retry",
  { skip },
  async (t) => {
    const { namespace, pod } = await servedServer(t, "locked");
    const secretName = "locked-controlplane";
    const secret = await core.readNamespacedSecret({ namespace, name: secretName });
    const original = secret.data?.[CONTROL_PLANE_SECRET_KEYS.adminPassword] ?? "";
    const from = pod.output().length;
    const edited: V1Secret = {
      ...secret,
      data: {
        ...secret.data,
        [CONTROL_PLANE_SECRET_KEYS.adminPassword]: Buffer.from("typed-by-hand").toString("base64"),
      },
    };
    await core.replaceNamespacedSecret({ namespace, name: secretName, body: edited });
    const refused = await waitForServer(
      namespace,
      "locked",
      "ServerConfigured=False LoginRefused",
      (server) => conditionOf(server, "ServerConfigured")?.reason === "LoginRefused",
    );
    assert.equal(conditionOf(refused, "Ready")?.status, "False");
    assert.match(conditionOf(refused, "ServerConfigured")?.message ?? "", /locked-controlplane/);
    assert.doesNotMatch(JSON.stringify(refused.status), /typed-by-hand/, "no password in the status");
    await waitForEvent(namespace, "locked", "Warning", "LoginRefused");
    // Several drift intervals pass: the refused password is not sent again.
    await delay(DRIFT_CHECK_SECONDS * 4 * 1000);
    const logins = requestsSince(pod, from).filter((line) => line.startsWith("POST /api/v1/auth/login"));
    assert.deepEqual(logins, ["POST /api/v1/auth/login 401"]);
    const events = (await eventsFor(namespace, "locked")).filter((e) => e.reason === "LoginRefused");
    assert.equal(events.length, 1);
    assert.equal(events[0]?.count ?? 1, 1);

    // Restoring the Secret's value lets the operator in again, with one login.
    const current = await core.readNamespacedSecret({ namespace, name: secretName });
    await core.replaceNamespacedSecret({
      namespace,
      name: secretName,
      body: { ...current, data: { ...current.data, [CONTROL_PLANE_SECRET_KEYS.adminPassword]: original } },
    });
    await waitForServer(
      namespace,
      "locked",
      "ServerConfigured=True again",
      (server) => conditionOf(server, "ServerConfigured")?.status === "True",
    );
    const after = requestsSince(pod, from).filter((line) => line.startsWith("POST /api/v1/auth/login"));
    assert.deepEqual(after, ["POST /api/v1/auth/login 401", "POST /api/v1/auth/login 200"]);
  },
);

test(
  "a configuration DittoFS refuses gives ConfigRefused with DittoFS's message, sent once, fixed by a spec change",
  { skip },
  async (t) => {
    const namespace = await createTestNamespace(t);
    const [nfsPort = 0] = await freeLoopbackPorts(1);
    await provideVolumes(t, namespace, "clash", { metadata: "1Gi" });
    // Two owners with one UID: DittoFS maps an NFS UID to one user, so it refuses the second.
    await createIn(
      namespace,
      dittoServer("clash", {
        storage: { metadataSize: "1Gi" },
        nfsPort,
        shares: [
          { name: "tv", path: "/tv", owner: { uid: 1000, gid: 1000 } },
          { name: "movies", path: "/movies", owner: { uid: 1000, gid: 2000 } },
        ],
      }),
    );
    const refused = await waitForServer(
      namespace,
      "clash",
      "ServerConfigured=False ConfigRefused",
      (server) => conditionOf(server, "ServerConfigured")?.reason === "ConfigRefused",
    );
    const message = conditionOf(refused, "ServerConfigured")?.message ?? "";
    assert.match(message, /creating user mediaplane-uid1000-gid2000 \(uid 1000, gid 2000\)/);
    assert.match(message, /User already exists/, "DittoFS's own words");
    assert.equal(conditionOf(refused, "Ready")?.status, "False");
    await waitForEvent(namespace, "clash", "Warning", "ConfigRefused", "User already exists");
    const pod = running.fleet.pod(namespace, "clash");
    assert.ok(pod);
    await delay(DRIFT_CHECK_SECONDS * 4 * 1000);
    const userWrites = requestsSince(pod, 0).filter((line) => line.startsWith("POST /api/v1/users"));
    assert.deepEqual(
      userWrites,
      ["POST /api/v1/users 201", "POST /api/v1/users 409"],
      "sent once, not retried",
    );

    await patchServerSpec(namespace, "clash", {
      shares: [
        { name: "tv", path: "/tv", owner: { uid: 1000, gid: 1000 } },
        { name: "movies", path: "/movies", owner: { uid: 1000, gid: 1000 } },
      ],
    });
    const fixed = await waitForReady(namespace, "clash");
    assert.deepEqual(
      fixed.status?.shares?.map((s) => [s.name, s.path, s.served]),
      [
        ["tv", "/tv", true],
        ["movies", "/movies", true],
      ],
    );
  },
);

test(
  "a share removed from the spec is kept and reported, unless it was created with deletionPolicy Delete",
  { skip },
  async (t) => {
    const { namespace, pod } = await servedServer(t, "removal", {
      shares: [
        { name: "export", path: "/export" },
        { name: "keep", path: "/keep" },
        { name: "scratch", path: "/scratch", deletionPolicy: "Delete" },
      ],
    });
    await patchServerSpec(namespace, "removal", { shares: [{ name: "export", path: "/export" }] });
    const settled = await waitForServer(
      namespace,
      "removal",
      "two shares out of the spec",
      (server) =>
        (server.status?.shares ?? []).length === 2 &&
        server.status?.observedGeneration === server.metadata.generation,
    );
    assert.deepEqual(
      settled.status?.shares?.map((s) => [s.path, s.inSpec]),
      [
        ["/export", true],
        ["/keep", false],
      ],
    );
    assert.match(
      conditionOf(settled, "ServerConfigured")?.message ?? "",
      /also has \/keep, not in spec\.shares \(kept\)/,
    );
    const admin = await adminClient(namespace, "removal", pod);
    assert.deepEqual((await admin.listShares()).map((s) => s.name).sort(), ["/export", "/keep"]);
  },
);
