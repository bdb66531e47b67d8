// What a DittoServer's running DittoFS should hold, from its settings alone: the stores on the pod's
// volumes, the protocol adapters on the spec's ports, the share owners and the shares of spec.shares.
import type { ServerSettings, ShareSettings } from "../settings.js";
import { DATA_MOUNT_PATHS } from "../pod-layout.js";
import type { PostgresMetadataConfig } from "./postgres-metadata.js";

/** Store names the operator owns on every server; a user's own stores have other names. */
export const STORE_NAMES = {
  metadata: "mediaplane-metadata",
  local: "mediaplane-local",
  remote: "mediaplane-s3",
} as const;

export interface DesiredAdapter {
  type: "nfs" | "smb";
  enabled: boolean;
  port: number;
}

export interface DesiredStore {
  name: string;
  type: string;
  config: Record<string, unknown>;
}

/** The DittoFS user an NFS client's UID maps to: owner of a share's root, granted read-write. */
export interface DesiredOwner {
  username: string;
  uid: number;
  gid: number;
}

export interface DesiredShare extends ShareSettings {
  ownerUsername: string;
}

/** The S3 values read from the credentials Secret (never logged, never in status). */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  endpoint?: string;
}

export interface DesiredServerConfig {
  adapters: DesiredAdapter[];
  metadataStore: DesiredStore;
  localBlockStore: DesiredStore;
  remoteBlockStore?: DesiredStore;
  owners: DesiredOwner[];
  shares: DesiredShare[];
}

export function ownerUsername(owner: ShareSettings["owner"]): string {
  return `mediaplane-uid${owner.uid}-gid${owner.gid}`;
}

/**
 * The S3 remote block store's config in DittoFS's keys. In-cluster endpoints are private addresses,
 * which DittoFS refuses unless allow_private_endpoint is set; path style works with every S3 server.
 */
function remoteStore(settings: ServerSettings, credentials: S3Credentials): DesiredStore | undefined {
  const s3 = settings.s3;
  if (s3 === undefined) return undefined;
  const endpoint = credentials.endpoint?.trim();
  return {
    name: STORE_NAMES.remote,
    type: "s3",
    config: {
      bucket: s3.bucket ?? settings.name,
      region: s3.region ?? "us-east-1",
      access_key_id: credentials.accessKeyId,
      secret_access_key: credentials.secretAccessKey,
      prefix: `${settings.namespace}/${settings.name}/`,
      ...(endpoint ? { endpoint, force_path_style: true, allow_private_endpoint: true } : {}),
    },
  };
}

/** PostgreSQL in the Percona cluster when there is one, else BadgerDB on the metadata volume. */
function metadataStore(postgres: PostgresMetadataConfig | undefined): DesiredStore {
  if (postgres !== undefined)
    return { name: STORE_NAMES.metadata, type: "postgres", config: { ...postgres } };
  return {
    name: STORE_NAMES.metadata,
    type: "badger",
    config: { path: `${DATA_MOUNT_PATHS.metadata}/badger` },
  };
}

/**
 * Without S3 the local block store holds the contents, on the content volume; with S3 it is the
 * cache in front of the bucket, on the cache volume.
 */
export function desiredServerConfig(
  settings: ServerSettings,
  s3Credentials: S3Credentials | undefined,
  postgres?: PostgresMetadataConfig,
): DesiredServerConfig {
  const remote = s3Credentials === undefined ? undefined : remoteStore(settings, s3Credentials);
  const shares = settings.shares.map((share) => ({ ...share, ownerUsername: ownerUsername(share.owner) }));
  const owners = new Map<string, DesiredOwner>();
  for (const share of shares) {
    owners.set(share.ownerUsername, { username: share.ownerUsername, ...share.owner });
  }
  return {
    adapters: [
      { type: "nfs", enabled: true, port: settings.nfs.containerPort },
      { type: "smb", enabled: settings.smb.enabled, port: settings.smb.containerPort },
    ],
    metadataStore: metadataStore(postgres),
    localBlockStore: {
      name: STORE_NAMES.local,
      type: "fs",
      config: { path: `${remote === undefined ? DATA_MOUNT_PATHS.content : DATA_MOUNT_PATHS.cache}/blocks` },
    },
    ...(remote === undefined ? {} : { remoteBlockStore: remote }),
    owners: [...owners.values()],
    shares,
  };
}
