// A real S3 endpoint for integration tests (DittoFS's S3 remote block store points at it): versitygw's
// posix backend on a free loopback port with random root credentials; its helpers speak only S3 (SigV4).
import { randomBytes } from "node:crypto";
import { accessSync, constants, rmSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListBucketsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { versitygwBinaryPath } from "./binaries.js";
import { ComponentProcess } from "./component-process.js";
import { stopOnProcessExit } from "./exit-cleanup.js";
import { freeLoopbackPorts } from "./loopback-ports.js";
import { waitFor } from "./polling.js";

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Where and how to reach the server; the root user's key pair signs every request. */
export interface S3Endpoint extends S3Credentials {
  /** http://127.0.0.1:<port>; buckets are addressed path-style (http://127.0.0.1:<port>/<bucket>/<key>). */
  readonly endpoint: string;
  readonly region: string;
}

export interface StartS3ServerOptions {
  /** The region versitygw accepts in SigV4 scopes; us-east-1 when omitted. */
  readonly region?: string;
  /** Defaults to the binary build.sh caches (versitygwBinaryPath()). */
  readonly binary?: string;
  /** Give-up bound for the first signed request to succeed; 60 s when omitted. */
  readonly readyTimeoutMs?: number;
}

export interface S3ObjectSummary {
  readonly key: string;
  readonly size: number;
}

export interface S3Server extends S3Endpoint {
  createBucket(name: string): Promise<void>;
  /** Every object in `bucket`, following ListObjectsV2 continuation tokens. */
  listObjects(bucket: string): Promise<S3ObjectSummary[]>;
  /** The last lines of versitygw's output (startup banner, one line per request). */
  logTail(lines?: number): string;
  /** Stops versitygw and removes its directory (buckets, metadata, log); safe to call twice. */
  stop(): Promise<void>;
}

const defaultRegion = "us-east-1";
/** Another process may take the free port before versitygw binds it; that many tries, each on a new port. */
const bindAttempts = 3;

/** The cached versitygw binary, or undefined when build.sh has not built it (for tests that skip). */
export function builtVersitygwBinary(): string | undefined {
  const path = versitygwBinaryPath();
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

function clientConfig(endpoint: S3Endpoint, credentials: S3Credentials): S3ClientConfig {
  return {
    endpoint: endpoint.endpoint,
    region: endpoint.region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    forcePathStyle: true,
    // Give-up bounds only: a busy machine may be slow to answer, never silent this long.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  };
}

/**
 * An S3 client for `endpoint` signing with `credentials` (the root user's by default): path-style,
 * because versitygw serves virtual-host buckets only with --virtual-domain. Callers destroy() it.
 */
export function s3ClientFor(endpoint: S3Endpoint, credentials: S3Credentials = endpoint): S3Client {
  return new S3Client(clientConfig(endpoint, credentials));
}

/** Starts versitygw posix in a fresh temp directory and resolves once it answers a signed request. */
export async function startS3Server(options: StartS3ServerOptions = {}): Promise<S3Server> {
  const binary = options.binary ?? versitygwBinaryPath();
  accessSync(binary, constants.X_OK);
  const region = options.region ?? defaultRegion;
  const credentials: S3Credentials = {
    accessKeyId: randomBytes(10).toString("hex").toUpperCase(),
    secretAccessKey: randomBytes(30).toString("base64url"),
  };
  const root = await mkdtemp(join(tmpdir(), "mediaplane-s3-"));
  // Metadata in a sidecar directory instead of xattrs: works on any temp filesystem (tmpfs, overlay).
  const bucketsDir = join(root, "buckets");
  const metadataDir = join(root, "metadata");
  // An (empty) internal IAM store: without one, versitygw answers an unknown access key with a 404
  // XAdminUserNotFound instead of S3's 403 InvalidAccessKeyId.
  const iamDir = join(root, "iam");
  const logFile = join(root, "versitygw.log");
  let child: ComponentProcess | undefined;
  let client: S3Client | undefined;
  let removed = false;
  const removeRoot = (): void => {
    if (removed) return;
    removed = true;
    rmSync(root, { recursive: true, force: true });
  };
  const unregister = stopOnProcessExit({
    killNow: () => {
      child?.killNow();
      removeRoot();
    },
    stop: async () => {
      await child?.stop();
    },
  });
  const stop = async (): Promise<void> => {
    client?.destroy();
    await child?.stop();
    if (!removed) {
      removed = true;
      await rm(root, { recursive: true, force: true });
    }
    unregister();
  };

  try {
    await mkdir(bucketsDir);
    await mkdir(metadataDir);
    await mkdir(iamDir);
    for (let attempt = 1; ; attempt++) {
      const [port] = (await freeLoopbackPorts(1)) as [number];
      const endpoint: S3Endpoint = { endpoint: `http://127.0.0.1:${port}`, region, ...credentials };
      const started = ComponentProcess.start({
        name: "versitygw",
        binary,
        args: [
          `--port=127.0.0.1:${port}`,
          `--region=${region}`,
          `--iam-dir=${iamDir}`,
          "posix",
          `--sidecar=${metadataDir}`,
          bucketsDir,
        ],
        logFile,
        // Only the root credentials: stray VGW_* settings in the caller's shell must not change the server.
        env: {
          ROOT_ACCESS_KEY_ID: credentials.accessKeyId,
          ROOT_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
      });
      child = started;
      // One try per poll: the SDK's own retries would only stretch each poll while the port is closed.
      const probeClient = new S3Client({ ...clientConfig(endpoint, credentials), maxAttempts: 1 });
      try {
        // Signed with our random key pair, so only our versitygw can answer it (not whoever took the port).
        await waitFor(() => probeClient.send(new ListBucketsCommand({})).then(() => true), {
          what: `versitygw on ${endpoint.endpoint} to answer a signed ListBuckets`,
          timeoutMs: options.readyTimeoutMs ?? 60_000,
          intervalMs: 100,
          abortIf: () => (started.exited === undefined ? undefined : `versitygw ${started.exited}`),
        });
      } catch (error) {
        await started.stop();
        const lostPort = started.logTail(5).includes("address already in use");
        if (lostPort && attempt < bindAttempts) continue;
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`${reason}\n${started.logTail()}`, { cause: error });
      } finally {
        probeClient.destroy();
      }
      client = s3ClientFor(endpoint);
      return serverOn(endpoint, client, started, stop);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

function serverOn(
  endpoint: S3Endpoint,
  client: S3Client,
  versitygw: ComponentProcess,
  stop: () => Promise<void>,
): S3Server {
  return {
    ...endpoint,
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    listObjects: async (bucket) => {
      const objects: S3ObjectSummary[] = [];
      let continuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: continuationToken }),
        );
        for (const object of page.Contents ?? []) {
          objects.push({ key: object.Key ?? "", size: object.Size ?? 0 });
        }
        continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (continuationToken !== undefined);
      return objects;
    },
    logTail: (lines) => versitygw.logTail(lines),
    stop,
  };
}
