// One DittoFS client per server, kept across reconciles so its token is reused and refreshed rather
// than a login per run, and a memory of refused passwords so a wrong one is never sent twice.
import { createHash } from "node:crypto";
import { DittoFsClient } from "../../../clients/dittofs/client.js";

export interface ServerSessionTarget {
  /** The server's key (namespace/name). */
  key: string;
  url: string;
  username: string;
  password: string;
}

function digest(target: ServerSessionTarget): string {
  return createHash("sha256").update(`${target.url}\0${target.username}\0${target.password}`).digest("hex");
}

export class ServerSessions {
  private readonly clients = new Map<string, { digest: string; client: DittoFsClient }>();
  /** Per server: the digest of the credentials DittoFS refused. */
  private readonly refused = new Map<string, string>();
  /** Per server: the inputs digest of a configuration DittoFS refused (not sent again while unchanged). */
  private readonly refusedConfig = new Map<string, string>();
  /** Per server: the resourceVersion of the S3 credentials Secret last written into its remote store. */
  private readonly s3Versions = new Map<string, string>();

  constructor(private readonly options: { timeoutMs: number; now?: () => number }) {}

  /** The client for `target`; a new one (and a new login) only when the URL or credentials changed. */
  clientFor(target: ServerSessionTarget): DittoFsClient {
    const wanted = digest(target);
    const kept = this.clients.get(target.key);
    if (kept?.digest === wanted) return kept.client;
    const client = new DittoFsClient({
      url: target.url,
      username: target.username,
      password: target.password,
      timeoutMs: this.options.timeoutMs,
      ...(this.options.now === undefined ? {} : { now: this.options.now }),
    });
    this.clients.set(target.key, { digest: wanted, client });
    return client;
  }

  /** Whether DittoFS already refused exactly these credentials (then no login is sent). */
  wasRefused(target: ServerSessionTarget): boolean {
    return this.refused.get(target.key) === digest(target);
  }

  markRefused(target: ServerSessionTarget): void {
    this.refused.set(target.key, digest(target));
    this.clients.delete(target.key);
  }

  /** Whether DittoFS refused the configuration for exactly these inputs. */
  configRefusedFor(key: string, inputs: string): boolean {
    return this.refusedConfig.get(key) === inputs;
  }

  markConfigRefused(key: string, inputs: string | undefined): void {
    if (inputs === undefined) this.refusedConfig.delete(key);
    else this.refusedConfig.set(key, inputs);
  }

  appliedS3Version(key: string): string | undefined {
    return this.s3Versions.get(key);
  }

  recordS3Version(key: string, version: string): void {
    this.s3Versions.set(key, version);
  }

  forget(key: string): void {
    this.clients.delete(key);
    this.refused.delete(key);
    this.refusedConfig.delete(key);
    this.s3Versions.delete(key);
  }
}
