// The record of failed logins that must outlive the operator process: qBittorrent never forgets a
// failure without a success, so a restart or a leader failover must not forget it either.

import { pbkdf2Sync, randomBytes } from "node:crypto";

/** What is kept per qBittorrent URL. Credentials appear only as salted, slow digests. */
export interface LoginLedgerRecord {
  /** Consecutive failed logins qBittorrent has counted for this operator's address. */
  failures: number;
  /** Epoch milliseconds before which the failed credentials do not try again; 0 for none. */
  retryAt: number;
  /** Epoch milliseconds until which qBittorrent bans this address (nobody tries); 0 for none. */
  bannedUntil: number;
  /** Hex salt of the digests below. */
  salt: string;
  /** PBKDF2 digests of the credentials that failed since the last success. */
  failedCredentials: string[];
}

/** Where records live (the Torrent controller keeps them in a ConfigMap). */
export interface LoginLedgerStore {
  load(url: string): Promise<LoginLedgerRecord | undefined>;
  /** Stores the record, or forgets it with `undefined` (after a success). */
  save(url: string, record: LoginLedgerRecord | undefined): Promise<void>;
  /** Tells a person how to clear the record by hand, e.g. which ConfigMap key to delete. */
  resetHint(url: string): string;
}

const DIGEST_ITERATIONS = 20_000;

export function newLedgerSalt(): string {
  return randomBytes(16).toString("hex");
}

/** A digest of a credential id that cannot be turned back into the password cheaply. */
export function credentialDigest(credential: string, salt: string): string {
  return pbkdf2Sync(credential, Buffer.from(salt, "hex"), DIGEST_ITERATIONS, 32, "sha256").toString("hex");
}

/** A record read from storage, or undefined when it is not one (a hand-edited value is ignored). */
export function parseLedgerRecord(value: unknown): LoginLedgerRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Partial<LoginLedgerRecord>;
  const valid =
    Number.isInteger(record.failures) &&
    (record.failures ?? -1) >= 0 &&
    typeof record.retryAt === "number" &&
    typeof record.bannedUntil === "number" &&
    typeof record.salt === "string" &&
    /^[0-9a-f]{32}$/.test(record.salt) &&
    Array.isArray(record.failedCredentials) &&
    record.failedCredentials.every((digest) => typeof digest === "string");
  return valid ? (record as LoginLedgerRecord) : undefined;
}
