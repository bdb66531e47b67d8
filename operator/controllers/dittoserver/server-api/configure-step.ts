// The DittoServer's configuration step: once a pod is ready, log in to its REST API and converge its
// stores, adapters and shares (converge-server.ts); report the outcome for ServerConfigured and status.shares.
import { createHash } from "node:crypto";
import type { V1Secret, V1StatefulSet } from "@kubernetes/client-node";
import { withoutTransportCode } from "../../../framework/http-request.js";
import { aliasedUrl } from "../../../clients/service-url-aliases.js";
import {
  DittoFsLoginRefusedError,
  DittoFsRefusedError,
  DittoFsStoreUnhealthyError,
  DittoFsUnreachableError,
} from "../../../clients/dittofs/errors.js";
import type { ReconcileContext } from "../../../framework/context.js";
import { builtinResources } from "../../../framework/resource.js";
import type { RunSchedule } from "../../../framework/run-schedule.js";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { dittoServerNames, serverNamespace } from "../names.js";
import { API_PORT, resolveServerSettings, type ServerSettings } from "../settings.js";
import {
  convergeServer,
  MetadataStoreRefusedError,
  type RecordedShare,
  type ServedShare,
} from "./converge-server.js";
import { desiredServerConfig, type S3Credentials } from "./desired-config.js";
import { postgresMetadataSource, withoutPassword } from "./postgres-metadata.js";
import type { ServerSessions } from "./server-sessions.js";

/** The admin account the operator uses; its first password is DITTOFS_ADMIN_INITIAL_PASSWORD. */
export const ADMIN_USERNAME = "admin";

export type ServerConfigOutcome =
  | { kind: "notManaged" }
  | { kind: "waiting"; message: string }
  | { kind: "configured"; shares: ServedShare[]; changes: string[] }
  /** Configured, but on a metadata store of another type than the spec's, which is kept. */
  | { kind: "metadataStoreMismatch"; shares: ServedShare[]; changes: string[]; message: string }
  | { kind: "databaseSecretIncomplete"; message: string }
  | { kind: "metadataStoreRefused"; message: string }
  | { kind: "unreachable"; message: string }
  | { kind: "loginRefused"; message: string }
  | { kind: "refused"; message: string }
  | { kind: "remoteStoreUnhealthy"; message: string }
  /** Not due (see RunSchedule): the last outcome stands. */
  | { kind: "unchanged" };

export interface ConfigureStepOptions {
  readonly sessions: ServerSessions;
  readonly schedule: RunSchedule;
  readonly urlAliases?: ReadonlyMap<string, string>;
}

export interface ConfigureStepResult {
  outcome: ServerConfigOutcome;
  /** When to look again (drift check, backoff), if the step wants it. */
  requeueMs?: number;
}

/** The in-cluster URL of the server's REST API (its <name>-api Service). */
export function serverApiUrl(server: DittoServer): string {
  return `http://${dittoServerNames.apiService(server)}.${serverNamespace(server)}.svc.cluster.local:${API_PORT}`;
}

function secretValue(secret: V1Secret | undefined, key: string): string | undefined {
  const value = secret?.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}

/** The S3 keys from the credentials Secret, or why they cannot be had. */
function s3Credentials(
  ctx: ReconcileContext<DittoServer>,
  settings: ServerSettings,
): { credentials?: S3Credentials; version?: string; missing?: string } {
  const s3 = settings.s3;
  if (s3 === undefined) return {};
  const secret = ctx.cache.get<V1Secret>(builtinResources.Secret, settings.namespace, s3.secretName);
  const accessKeyId = secretValue(secret, s3.accessKeyIdKey);
  const secretAccessKey = secretValue(secret, s3.secretAccessKeyKey);
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    return { missing: `Secret ${s3.secretName} with keys ${s3.accessKeyIdKey} and ${s3.secretAccessKeyKey}` };
  }
  const endpoint = secretValue(secret, s3.endpointKey);
  return {
    credentials: { accessKeyId, secretAccessKey, ...(endpoint === undefined ? {} : { endpoint }) },
    ...(secret?.metadata?.resourceVersion === undefined ? {} : { version: secret.metadata.resourceVersion }),
  };
}

/** Everything the configuration depends on, as one digest: a change makes the next run due at once. */
function configInputs(
  server: DittoServer,
  password: string,
  s3Version: string | undefined,
  databaseVersion: string | undefined,
  statefulSet: V1StatefulSet | undefined,
): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        server.metadata.generation,
        password,
        s3Version,
        databaseVersion,
        statefulSet?.status?.currentRevision,
        statefulSet?.status?.readyReplicas,
      ]),
    )
    .digest("hex");
}

function recordedShares(server: DittoServer): RecordedShare[] {
  return server.status?.shares ?? [];
}

export async function runConfigureStep(
  ctx: ReconcileContext<DittoServer>,
  adminPassword: string,
  statefulSet: V1StatefulSet | undefined,
  options: ConfigureStepOptions,
): Promise<ConfigureStepResult> {
  const server = ctx.object;
  const settings = resolveServerSettings(server);
  const key = `${settings.namespace}/${server.metadata.name}`;
  if (!settings.manageServer) return { outcome: { kind: "notManaged" } };
  if (settings.replicas === 0)
    return { outcome: { kind: "waiting", message: "spec.replicas is 0: no server to configure" } };
  if ((statefulSet?.status?.readyReplicas ?? 0) < 1) {
    return { outcome: { kind: "waiting", message: "waiting for a DittoFS pod to be ready" } };
  }
  const s3 = s3Credentials(ctx, settings);
  if (s3.missing !== undefined) return { outcome: { kind: "waiting", message: `waiting for ${s3.missing}` } };
  const databaseSecret =
    settings.database.kind === "postgres"
      ? ctx.cache.get<V1Secret>(
          builtinResources.Secret,
          settings.namespace,
          settings.database.secret.secretName,
        )
      : undefined;
  const postgres = postgresMetadataSource(settings, databaseSecret);
  if (postgres.kind === "incomplete") {
    return { outcome: { kind: "databaseSecretIncomplete", message: postgres.message } };
  }
  const postgresConfig = postgres.kind === "ready" ? postgres.config : undefined;
  const databaseVersion = postgres.kind === "ready" ? postgres.secretVersion : undefined;
  const inputs = configInputs(server, adminPassword, s3.version, databaseVersion, statefulSet);
  // A refused configuration is sent again only when something it depends on changed.
  if (options.sessions.configRefusedFor(key, inputs)) return { outcome: { kind: "unchanged" } };
  const wait = options.schedule.waitBeforeRun(key, inputs);
  if (wait !== undefined) return { outcome: { kind: "unchanged" }, requeueMs: wait };

  const target = {
    key,
    url: aliasedUrl(serverApiUrl(server), options.urlAliases),
    username: ADMIN_USERNAME,
    password: adminPassword,
  };
  if (options.sessions.wasRefused(target)) {
    return {
      outcome: {
        kind: "loginRefused",
        message: loginRefusedMessage(server, "it refused this password before; no login is sent again"),
      },
    };
  }
  const client = options.sessions.clientFor(target);
  try {
    const s3Changed = s3.version !== undefined && options.sessions.appliedS3Version(key) !== s3.version;
    const desired = desiredServerConfig(settings, s3.credentials, postgresConfig);
    const result = await convergeServer(client, desired, recordedShares(server), {
      s3CredentialsChanged: s3Changed,
    });
    if (s3.version !== undefined) options.sessions.recordS3Version(key, s3.version);
    options.sessions.markConfigRefused(key, undefined);
    const requeueMs = options.schedule.ran(key, inputs, true);
    const { metadataStoreMismatch, ...served } = result;
    if (metadataStoreMismatch !== undefined) {
      return {
        outcome: { kind: "metadataStoreMismatch", ...served, message: metadataStoreMismatch },
        requeueMs,
      };
    }
    return { outcome: { kind: "configured", ...served }, requeueMs };
  } catch (error) {
    if (error instanceof DittoFsLoginRefusedError) {
      options.sessions.markRefused(target);
      return { outcome: { kind: "loginRefused", message: loginRefusedMessage(server, error.message) } };
    }
    if (error instanceof MetadataStoreRefusedError) {
      // Sent again only when the Secret (or the spec, or the pod) changes, like any refused write.
      options.sessions.markConfigRefused(key, inputs);
      options.schedule.forget(key);
      const secretName = settings.database.kind === "postgres" ? settings.database.secret.secretName : "";
      const database = postgresConfig?.database ?? "";
      const hint = `; check host, port, user and password in Secret ${secretName} and that database ${database} exists`;
      return {
        outcome: {
          kind: "metadataStoreRefused",
          message: `${withoutPassword(error.message, postgresConfig)}${hint}`,
        },
      };
    }
    if (error instanceof DittoFsRefusedError) {
      options.sessions.markConfigRefused(key, inputs);
      options.schedule.forget(key);
      return { outcome: { kind: "refused", message: error.message } };
    }
    if (error instanceof DittoFsStoreUnhealthyError) {
      // The store holds these credentials now: the next try writes them again only if the Secret changes.
      if (s3.version !== undefined) options.sessions.recordS3Version(key, s3.version);
      const secretName = settings.s3?.secretName ?? "";
      const hint = `; check s3.bucket, s3.region and the keys in Secret ${secretName}`;
      const requeueMs = options.schedule.ran(key, inputs, false);
      return { outcome: { kind: "remoteStoreUnhealthy", message: `${error.message}${hint}` }, requeueMs };
    }
    if (error instanceof DittoFsUnreachableError) {
      const requeueMs = options.schedule.ran(key, inputs, false);
      return { outcome: { kind: "unreachable", message: withoutTransportCode(error.message) }, requeueMs };
    }
    throw error;
  }
}

function loginRefusedMessage(server: DittoServer, detail: string): string {
  return (
    `${detail}. The admin password in Secret ${dittoServerNames.controlPlaneSecret(server)} is not the ` +
    "server's: DittoFS reads it only on its first start, so restore the original value (or set the " +
    "server's admin password to it with dfsctl)"
  );
}
