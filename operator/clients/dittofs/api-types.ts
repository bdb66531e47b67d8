// The parts of DittoFS v0.29.0's REST resources the operator reads and writes (its handlers'
// request and response DTOs under internal/controlplane/api/handlers), nothing more.

export type AdapterType = "nfs" | "smb";

export interface Adapter {
  readonly type: string;
  readonly enabled: boolean;
  readonly running?: boolean;
  readonly port: number;
}

export interface StoreHealth {
  readonly healthy: boolean;
  readonly details?: string;
}

export interface MetadataStore {
  readonly id?: string;
  readonly name: string;
  readonly type: string;
  readonly config?: Record<string, unknown>;
}

export type BlockStoreKind = "local" | "remote";

export interface BlockStore {
  readonly name: string;
  readonly kind?: BlockStoreKind;
  readonly type: string;
  readonly config?: Record<string, unknown>;
}

/** A share as listed: its name is the export path ("/export"). */
export interface Share {
  readonly id: string;
  readonly name: string;
  readonly metadata_store_id: string;
  readonly local_block_store_id: string;
  readonly remote_block_store_id: string | null;
  readonly read_only: boolean;
  readonly enabled: boolean;
  readonly default_permission: string;
  readonly owner_uid?: number;
  readonly owner_gid?: number;
}

export interface CreateShare {
  readonly name: string;
  readonly metadata_store_id: string;
  readonly local_block_store: string;
  readonly remote_block_store?: string;
  readonly read_only: boolean;
  readonly owner?: string;
  readonly default_permission: string;
}

export interface ShareNfsConfig {
  readonly squash: string;
}

export interface SharePermission {
  readonly type: string;
  readonly name: string;
  readonly level: string;
}

export interface User {
  readonly username: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly role: string;
}

export interface CreateUser {
  readonly username: string;
  readonly password: string;
  readonly role: "user";
  readonly uid: number;
  readonly gid: number;
}

export interface LoginAnswer {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
}
