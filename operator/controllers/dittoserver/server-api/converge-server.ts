// Brings a running DittoFS in line with its DesiredServerConfig through the REST API, idempotently:
// it reads first and writes only what differs, never deletes a store, and deletes a share only when
// the spec removed it and the share was created with deletionPolicy Delete.
import { randomBytes } from "node:crypto";
import type { DittoFsClient } from "../../../clients/dittofs/client.js";
import type { Adapter, Share } from "../../../clients/dittofs/api-types.js";
import type { DesiredAdapter, DesiredServerConfig, DesiredShare, DesiredStore } from "./desired-config.js";
import type { BlockStoreKind } from "../../../clients/dittofs/api-types.js";
import { DittoFsRefusedError, DittoFsStoreUnhealthyError } from "../../../clients/dittofs/errors.js";

/** Runs `write`, naming what it was for when DittoFS refuses it ("creating share /b: ..."). */
async function attempt(what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof DittoFsRefusedError) {
      throw new DittoFsRefusedError(`${what}: ${error.message}`, error.status, error.detail);
    }
    throw error;
  }
}

/** What the last status said about a share (status.shares[]), so removals can follow its policy. */
export interface RecordedShare {
  path: string;
  inSpec?: boolean;
  deletionPolicy?: string;
}

export interface ServedShare {
  name?: string;
  path: string;
  served: boolean;
  inSpec: boolean;
  deletionPolicy?: string;
}

export interface ConvergeResult {
  /** One line per write, e.g. "created share /export" (for the Event and the log). */
  changes: string[];
  /** Spec shares first, in spec order, then the shares only the server has. */
  shares: ServedShare[];
  /** Set when the server's metadata store is of another type than the spec's (kept, not migrated). */
  metadataStoreMismatch?: string;
}

function differs(adapter: Adapter, desired: DesiredAdapter): boolean {
  if (adapter.enabled !== desired.enabled) return true;
  return desired.enabled && adapter.port !== desired.port;
}

async function convergeAdapters(
  client: DittoFsClient,
  desired: DesiredAdapter[],
  changes: string[],
): Promise<void> {
  const existing = await client.listAdapters();
  for (const adapter of desired) {
    const current = existing.find((a) => a.type === adapter.type);
    if (current === undefined) {
      if (!adapter.enabled) continue;
      await client.createAdapter(adapter.type, true, adapter.port);
      changes.push(`created the ${adapter.type} adapter on port ${adapter.port}`);
    } else if (differs(current, adapter)) {
      // A disabled adapter keeps its port: it must not try to bind a port the spec does not ask for.
      const port = adapter.enabled ? adapter.port : current.port;
      await client.updateAdapter(adapter.type, adapter.enabled, port);
      changes.push(
        adapter.enabled
          ? `set the ${adapter.type} adapter to port ${adapter.port}${current.enabled ? "" : " and enabled it"}`
          : `disabled the ${adapter.type} adapter`,
      );
    }
  }
}

/** DittoFS could not open the PostgreSQL metadata store with the Secret's settings (its message). */
export class MetadataStoreRefusedError extends Error {}

/**
 * Creates the metadata store when the server has none of that name. One of another type (badger
 * before Percona was enabled) is left as it is, with its shares: moving metadata is a data question,
 * so the result says so and nothing is migrated or deleted.
 */
async function ensureMetadataStore(
  client: DittoFsClient,
  store: DesiredStore,
  changes: string[],
): Promise<string | undefined> {
  const current = (await client.listMetadataStores()).find((s) => s.name === store.name);
  if (current !== undefined) {
    if (current.type === store.type) return undefined;
    const on = (await client.listShares())
      .filter((share) => share.metadata_store_id === current.id || share.metadata_store_id === current.name)
      .map((share) => share.name);
    return (
      `the server's metadata store ${store.name} is ${current.type}, the spec asks for ${store.type}; ` +
      `it is kept with ${on.length === 0 ? "no shares" : `share${on.length > 1 ? "s" : ""} ${on.join(", ")}`} ` +
      "on it and nothing is migrated (see docs/dittoserver.md, changing the metadata store)"
    );
  }
  try {
    await client.createMetadataStore(store.name, store.type, store.config);
  } catch (error) {
    if (error instanceof DittoFsRefusedError && store.type === "postgres") {
      throw new MetadataStoreRefusedError(
        `creating the postgres metadata store ${store.name}: ${error.message}`,
      );
    }
    if (error instanceof DittoFsRefusedError) {
      throw new DittoFsRefusedError(
        `creating the ${store.type} metadata store ${store.name}: ${error.message}`,
        error.status,
        error.detail,
      );
    }
    throw error;
  }
  changes.push(`created the ${store.type} metadata store ${store.name}`);
  return undefined;
}

/** Compares the store's settings without the secret key, which DittoFS does not hand back in clear. */
function sameConfig(current: Record<string, unknown> | undefined, desired: Record<string, unknown>): boolean {
  return Object.entries(desired).every(
    ([key, value]) => key === "secret_access_key" || current?.[key] === value,
  );
}

async function ensureBlockStore(
  client: DittoFsClient,
  kind: BlockStoreKind,
  store: DesiredStore,
  changes: string[],
  rotated: boolean,
): Promise<void> {
  const current = (await client.listBlockStores(kind)).find((s) => s.name === store.name);
  if (current === undefined) {
    await attempt(`creating the ${store.type} ${kind} block store ${store.name}`, () =>
      client.createBlockStore(kind, store.name, store.type, store.config),
    );
    changes.push(`created the ${store.type} ${kind} block store ${store.name}`);
  } else if (kind === "remote" && (rotated || !sameConfig(current.config, store.config))) {
    // The bucket's settings or the credentials changed: the remote store follows the spec and Secret.
    await attempt(`updating the ${store.type} ${kind} block store ${store.name}`, () =>
      client.updateBlockStoreConfig(kind, store.name, store.config),
    );
    changes.push(`updated the ${store.type} ${kind} block store ${store.name}`);
  }
}

async function ensureOwners(
  client: DittoFsClient,
  desired: DesiredServerConfig,
  changes: string[],
): Promise<void> {
  if (desired.owners.length === 0) return;
  const users = await client.listUsers();
  for (const owner of desired.owners) {
    if (users.some((user) => user.username === owner.username)) continue;
    // NFS maps the client's UID to this user; nobody logs in as it, so its password is thrown away.
    await attempt(`creating user ${owner.username} (uid ${owner.uid}, gid ${owner.gid})`, () =>
      client.createUser({
        username: owner.username,
        password: randomBytes(24).toString("base64url"),
        role: "user",
        uid: owner.uid,
        gid: owner.gid,
      }),
    );
    changes.push(`created user ${owner.username} (uid ${owner.uid}, gid ${owner.gid})`);
  }
}

async function createShare(
  client: DittoFsClient,
  share: DesiredShare,
  desired: DesiredServerConfig,
): Promise<void> {
  const create = (): Promise<void> =>
    client.createShare({
      name: share.path,
      metadata_store_id: desired.metadataStore.name,
      local_block_store: desired.localBlockStore.name,
      ...(desired.remoteBlockStore === undefined
        ? {}
        : { remote_block_store: desired.remoteBlockStore.name }),
      read_only: share.readOnly,
      owner: share.ownerUsername,
      default_permission: share.defaultPermission,
    });
  await attempt(`creating share ${share.path}`, create);
}

/** The share's own settings, permission and NFS squash, written only where they differ. */
async function convergeShareSettings(
  client: DittoFsClient,
  share: DesiredShare,
  current: Share | undefined,
  changes: string[],
): Promise<void> {
  if (
    current !== undefined &&
    (current.read_only !== share.readOnly || current.default_permission !== share.defaultPermission)
  ) {
    await client.updateShare(share.path, {
      read_only: share.readOnly,
      default_permission: share.defaultPermission,
    });
    changes.push(
      `set share ${share.path} to read_only=${share.readOnly}, default_permission=${share.defaultPermission}`,
    );
  }
  const permissions = await client.listSharePermissions(share.path);
  const granted = permissions.some(
    (p) => p.type === "user" && p.name === share.ownerUsername && p.level === "read-write",
  );
  if (!granted) {
    await client.setUserPermission(share.path, share.ownerUsername, "read-write");
    changes.push(`granted ${share.ownerUsername} read-write on ${share.path}`);
  }
  const nfs = await client.shareNfsConfig(share.path);
  if (nfs.squash !== share.squash) {
    await client.patchShareNfsConfig(share.path, { squash: share.squash });
    changes.push(`set NFS squash ${share.squash} on ${share.path}`);
  }
}

/**
 * Removed from the spec: deleted only when the last status recorded it as ours with deletionPolicy
 * Delete; otherwise it stays, with its files, and is reported as not in the spec.
 */
async function settleRemovedShares(
  client: DittoFsClient,
  existing: Share[],
  desired: DesiredServerConfig,
  recorded: readonly RecordedShare[],
  changes: string[],
): Promise<ServedShare[]> {
  const wanted = new Set(desired.shares.map((s) => s.path));
  const extra: ServedShare[] = [];
  for (const share of existing) {
    if (wanted.has(share.name)) continue;
    const record = recorded.find((r) => r.path === share.name);
    if (record?.inSpec === true && record.deletionPolicy === "Delete") {
      await client.deleteShare(share.name);
      changes.push(`deleted share ${share.name} (removed from spec.shares, deletionPolicy Delete)`);
      continue;
    }
    extra.push({ path: share.name, served: true, inSpec: false });
  }
  return extra;
}

export async function convergeServer(
  client: DittoFsClient,
  desired: DesiredServerConfig,
  recorded: readonly RecordedShare[],
  options: { s3CredentialsChanged: boolean },
): Promise<ConvergeResult> {
  const changes: string[] = [];
  await convergeAdapters(client, desired.adapters, changes);
  const metadataStoreMismatch = await ensureMetadataStore(client, desired.metadataStore, changes);
  await ensureBlockStore(client, "local", desired.localBlockStore, changes, false);
  const remote = desired.remoteBlockStore;
  if (remote !== undefined) {
    await ensureBlockStore(client, "remote", remote, changes, options.s3CredentialsChanged);
    // No share is put on a bucket DittoFS cannot reach: the condition says why, and it is retried.
    const health = await client.blockStoreHealth("remote", remote.name);
    if (!health.healthy) {
      const { bucket, endpoint } = remote.config as { bucket: string; endpoint?: string };
      throw new DittoFsStoreUnhealthyError(
        `DittoFS cannot use S3 bucket ${bucket}${endpoint === undefined ? "" : ` at ${endpoint}`}: ` +
          `${health.details ?? "no detail"}`,
      );
    }
  }
  await ensureOwners(client, desired, changes);
  const existing = await client.listShares();
  const shares: ServedShare[] = [];
  for (const share of desired.shares) {
    const current = existing.find((s) => s.name === share.path);
    if (current === undefined) {
      await createShare(client, share, desired);
      const before = recorded.find((r) => r.path === share.path && r.inSpec === true);
      changes.push(
        before
          ? `re-created share ${share.path} (it was deleted on the server)`
          : `created share ${share.path}`,
      );
    }
    await convergeShareSettings(client, share, current, changes);
    shares.push({
      name: share.name,
      path: share.path,
      served: true,
      inSpec: true,
      deletionPolicy: share.deletionPolicy,
    });
  }
  shares.push(...(await settleRemovedShares(client, existing, desired, recorded, changes)));
  return { changes, shares, ...(metadataStoreMismatch === undefined ? {} : { metadataStoreMismatch }) };
}
