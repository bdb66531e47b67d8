// A DittoServer with s3 keeps file contents in a real S3 server (versitygw): a file written over NFS
// becomes objects in the bucket under <namespace>/<name>/; refused credentials are a named condition.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { nfsCopyIn, waitForExport } from "../../cluster/nfs/nfs-client.js";
import { builtVersitygwBinary, startS3Server, type S3Server } from "../../cluster/s3-server.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import {
  conditionOf,
  core,
  createIn,
  dittoServer,
  provideVolumes,
  startTestOperator,
  waitForEvent,
  waitForReady,
  waitForServer,
  type TestOperator,
} from "./dittoserver-support.js";
import { fileServingSkip } from "./real-dfs-support.js";

const skip =
  fileServingSkip() ||
  (builtVersitygwBinary() === undefined ? "versitygw is not built: run `npm run cluster:build`" : false);

const BUCKET = "media-content";
let running: TestOperator;
let s3: S3Server;

before(async () => {
  if (skip !== false) return;
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
  running = await startTestOperator({ MEDIAPLANE_DITTOFS_DRIFT_CHECK_SECONDS: "2" });
});

after(async () => {
  await running?.stop();
  await s3?.stop();
});

async function createS3Server(
  t: TestContext,
  name: string,
  secretAccessKey: string,
): Promise<{ namespace: string; nfsPort: number }> {
  const namespace = await createTestNamespace(t);
  const [nfsPort = 0] = await freeLoopbackPorts(1);
  await provideVolumes(t, namespace, name, { metadata: "1Gi", cache: "1Gi" });
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: `${name}-s3` },
      stringData: { accessKeyId: s3.accessKeyId, secretAccessKey, endpoint: s3.endpoint },
    },
  });
  await createIn(
    namespace,
    dittoServer(name, {
      storage: { metadataSize: "1Gi", cacheSize: "1Gi" },
      nfsPort,
      s3: { credentialsSecretRef: { secretName: `${name}-s3` }, bucket: BUCKET, region: s3.region },
    }),
  );
  return { namespace, nfsPort };
}

test("a file written over NFS is stored as objects in the S3 bucket", { skip }, async (t) => {
  const { namespace, nfsPort } = await createS3Server(t, "cloud", s3.secretAccessKey);
  const ready = await waitForReady(namespace, "cloud");
  assert.equal(conditionOf(ready, "ServerConfigured")?.reason, "Configured");
  const nfs = { host: "127.0.0.1", port: nfsPort, exportPath: "/export", uid: 1000, gid: 1000 };
  await waitForExport(nfs);
  const file = join(tmpdir(), `mediaplane-s3-${randomBytes(6).toString("hex")}`);
  t.after(() => rm(file, { force: true }));
  const size = 2_000_000;
  await writeFile(file, randomBytes(size));
  await nfsCopyIn(nfs, file, "/season-1.mkv");
  // DittoFS uploads blocks in the background; the give-up bound is generous, the check is exact.
  const prefix = `${namespace}/cloud/`;
  const objects = await waitFor(
    async () => {
      const listed = (await s3.listObjects(BUCKET)).filter((o) => o.key.startsWith(prefix));
      return listed.reduce((sum, o) => sum + o.size, 0) >= size ? listed : undefined;
    },
    {
      what: `objects of ${size} bytes under ${prefix} in bucket ${BUCKET}`,
      timeoutMs: 120_000,
      intervalMs: 500,
    },
  );
  assert.ok(
    objects.every((o) => o.key.startsWith(`${prefix}blocks/`)),
    JSON.stringify(objects),
  );
});

test(
  "refused S3 credentials give RemoteStoreUnhealthy naming the Secret; fixed keys make it Ready",
  { skip },
  async (t) => {
    const { namespace } = await createS3Server(t, "wrongkey", "not-the-secret-key");
    const unhealthy = await waitForServer(
      namespace,
      "wrongkey",
      "ServerConfigured=False RemoteStoreUnhealthy",
      (server) => conditionOf(server, "ServerConfigured")?.reason === "RemoteStoreUnhealthy",
    );
    const message = conditionOf(unhealthy, "ServerConfigured")?.message ?? "";
    assert.match(message, new RegExp(`DittoFS cannot use S3 bucket ${BUCKET} at ${s3.endpoint}`));
    assert.match(message, /keys in Secret wrongkey-s3/);
    assert.doesNotMatch(JSON.stringify(unhealthy.status), /not-the-secret-key/, "no key in the status");
    assert.equal(conditionOf(unhealthy, "Ready")?.status, "False");
    assert.deepEqual(unhealthy.status?.shares ?? [], [], "no share is put on a bucket DittoFS cannot use");
    await waitForEvent(namespace, "wrongkey", "Warning", "RemoteStoreUnhealthy", BUCKET);

    const secret = await core.readNamespacedSecret({ namespace, name: "wrongkey-s3" });
    await core.replaceNamespacedSecret({
      namespace,
      name: "wrongkey-s3",
      body: {
        ...secret,
        data: { ...secret.data, secretAccessKey: Buffer.from(s3.secretAccessKey).toString("base64") },
      },
    });
    const ready = await waitForReady(namespace, "wrongkey");
    assert.equal(conditionOf(ready, "ServerConfigured")?.reason, "Configured");
  },
);
