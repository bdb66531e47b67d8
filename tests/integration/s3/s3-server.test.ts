// The harness's S3 server is a real one: versitygw creates buckets, stores and lists objects put with
// its root key pair, and refuses requests signed with a wrong secret or an unknown access key.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PutObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import { versitygwBinaryPath } from "../../cluster/binaries.js";
import { builtVersitygwBinary, s3ClientFor, startS3Server } from "../../cluster/s3-server.js";
import type { S3Credentials, S3Server } from "../../cluster/s3-server.js";

const skip =
  builtVersitygwBinary() === undefined
    ? `versitygw is not built (${versitygwBinaryPath()}): run \`npm run cluster:build\``
    : false;

let server: S3Server;

before(async () => {
  if (skip === false) server = await startS3Server();
});

after(async () => {
  await server?.stop();
});

/** The S3 error a PutObject signed with `credentials` gets, or undefined when it is accepted. */
async function putRefusal(
  credentials: S3Credentials,
  bucket: string,
): Promise<S3ServiceException | undefined> {
  const client = s3ClientFor(server, credentials);
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "refused.bin", Body: "no" }));
    return undefined;
  } catch (error) {
    if (error instanceof S3ServiceException) return error;
    throw error;
  } finally {
    client.destroy();
  }
}

test("an object put with the root key pair is listed with its size", { skip }, async () => {
  await server.createBucket("blocks");
  const client = s3ClientFor(server);
  try {
    await client.send(new PutObjectCommand({ Bucket: "blocks", Key: "payload/0001.bin", Body: "hello, s3" }));
  } finally {
    client.destroy();
  }
  assert.deepEqual(await server.listObjects("blocks"), [{ key: "payload/0001.bin", size: 9 }]);
});

test("a request signed with a wrong secret is refused", { skip }, async () => {
  await server.createBucket("signed");
  const refusal = await putRefusal(
    { accessKeyId: server.accessKeyId, secretAccessKey: "wrong-secret" },
    "signed",
  );
  assert.equal(refusal?.$metadata.httpStatusCode, 403, server.logTail());
  assert.equal(refusal?.name, "SignatureDoesNotMatch");
  assert.deepEqual(await server.listObjects("signed"), []);
});

test("a request signed with an unknown access key is refused", { skip }, async () => {
  await server.createBucket("unknown-key");
  const refusal = await putRefusal(
    { accessKeyId: "NOSUCHKEY0000000000", secretAccessKey: server.secretAccessKey },
    "unknown-key",
  );
  assert.equal(refusal?.$metadata.httpStatusCode, 403, server.logTail());
  assert.equal(refusal?.name, "InvalidAccessKeyId");
  assert.deepEqual(await server.listObjects("unknown-key"), []);
});
