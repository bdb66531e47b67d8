// Gives every Torrent of one qBittorrent (same URL and credentials) the same poller and stops pollers no
// Torrent uses; the Torrent controller acquires per CR uid. Clients of one URL share a login ledger.

import { createHash } from "node:crypto";
import { QbittorrentClient } from "./client.js";
import { LoginBackoff } from "./login-backoff.js";
import type { LoginBackoffOptions } from "./login-backoff.js";
import type { LoginLedgerStore } from "./login-ledger.js";
import { silentQbittorrentLogger } from "./logger.js";
import type { QbittorrentLogger } from "./logger.js";
import { MaindataPoller } from "./maindata-poller.js";
import type { MaindataPollerOptions } from "./maindata-poller.js";
import { parseWebuiUrl } from "./session.js";
import { aliasedUrl } from "../service-url-aliases.js";

export { aliasedUrl } from "../service-url-aliases.js";

export interface QbittorrentEndpoint {
  url: string;
  username?: string;
  password?: string;
  apiKey?: string;
}

export interface PollerRegistryOptions {
  /** Per-request timeout of each client. Default 10 s. */
  timeoutMs?: number;
  logger?: QbittorrentLogger;
  poller?: Omit<MaindataPollerOptions, "client" | "logger">;
  loginBackoff?: Omit<LoginBackoffOptions, "now" | "ledger">;
  /** Keeps failed-login counts across restarts and failovers (one record per URL). */
  loginLedger?: LoginLedgerStore;
  /** Keep an unused poller this long before stopping it (avoids churn). Default 0: stop at once. */
  idleStopMs?: number;
  /**
   * URL prefixes to reach qBittorrent by instead (from → to), for an operator running outside the
   * cluster where in-cluster Service URLs do not resolve (development, the local end-to-end test).
   */
  urlAliases?: ReadonlyMap<string, string>;
}

interface PollerEntry {
  key: string;
  client: QbittorrentClient;
  poller: MaindataPoller;
  consumers: Set<string>;
  idleTimer: NodeJS.Timeout | undefined;
}

export class PollerRegistry {
  private readonly options: PollerRegistryOptions;
  private readonly logger: QbittorrentLogger;
  private readonly entries = new Map<string, PollerEntry>();
  private readonly consumerKeys = new Map<string, string>();
  private readonly loginBackoffs = new Map<string, LoginBackoff>();
  private readonly retiring = new Set<Promise<void>>();

  constructor(options: PollerRegistryOptions = {}) {
    this.options = options;
    this.logger = options.logger ?? silentQbittorrentLogger;
  }

  /** The poller for this endpoint, started if new. Idempotent per consumer; a new endpoint moves it. */
  acquire(consumerId: string, endpoint: QbittorrentEndpoint): MaindataPoller {
    const key = endpointIdentity(endpoint);
    const previousKey = this.consumerKeys.get(consumerId);
    if (previousKey !== undefined && previousKey !== key) this.detach(consumerId, previousKey);

    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = this.createEntry(key, endpoint);
      this.entries.set(key, entry);
    }
    if (entry.idleTimer !== undefined) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    entry.consumers.add(consumerId);
    this.consumerKeys.set(consumerId, key);
    return entry.poller;
  }

  /** The client under this consumer's poller, for the calls that are not batched (pause, limits, tags). */
  clientFor(consumerId: string): QbittorrentClient {
    const key = this.consumerKeys.get(consumerId);
    const entry = key === undefined ? undefined : this.entries.get(key);
    if (entry === undefined) throw new Error(`consumer ${consumerId} has not acquired a qBittorrent poller`);
    return entry.client;
  }

  /** Gives up this consumer's poller; the poller stops when it was the last user. */
  async release(consumerId: string): Promise<void> {
    const key = this.consumerKeys.get(consumerId);
    if (key !== undefined) this.detach(consumerId, key);
    await Promise.all([...this.retiring]);
  }

  /** How many pollers run (one per distinct qBittorrent endpoint in use). */
  get size(): number {
    return this.entries.size;
  }

  /** Stops every poller (operator shutdown). */
  async stopAll(): Promise<void> {
    for (const entry of [...this.entries.values()]) this.retire(entry);
    this.consumerKeys.clear();
    await Promise.all([...this.retiring]);
  }

  /**
   * The one login backoff of the qBittorrent at `url`, for other clients of it (the MediaStack wiring):
   * failed logins of all of them count together, so together they stay below qBittorrent's ban.
   */
  loginBackoffFor(url: string): LoginBackoff {
    const key = normalizedUrl(url);
    let loginBackoff = this.loginBackoffs.get(key);
    if (loginBackoff === undefined) {
      const store = this.options.loginLedger;
      loginBackoff = new LoginBackoff({
        ...this.options.loginBackoff,
        ...(store === undefined ? {} : { ledger: { store, url: key } }),
      });
      this.loginBackoffs.set(key, loginBackoff);
    }
    return loginBackoff;
  }

  private createEntry(key: string, endpoint: QbittorrentEndpoint): PollerEntry {
    const loginBackoff = this.loginBackoffFor(endpoint.url);
    const client = new QbittorrentClient({
      ...endpoint,
      url: aliasedUrl(endpoint.url, this.options.urlAliases),
      timeoutMs: this.options.timeoutMs ?? 10_000,
      logger: this.logger,
      loginBackoff,
    });
    const poller = new MaindataPoller({ ...this.options.poller, client, logger: this.logger });
    poller.start();
    this.logger.info("started qBittorrent maindata poller", { url: client.url });
    return { key, client, poller, consumers: new Set(), idleTimer: undefined };
  }

  private detach(consumerId: string, key: string): void {
    this.consumerKeys.delete(consumerId);
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    entry.consumers.delete(consumerId);
    if (entry.consumers.size > 0) return;
    const idleStopMs = this.options.idleStopMs ?? 0;
    if (idleStopMs <= 0) {
      this.retire(entry);
    } else {
      entry.idleTimer ??= setTimeout(() => {
        if (entry.consumers.size === 0) this.retire(entry);
      }, idleStopMs);
      entry.idleTimer.unref();
    }
  }

  private retire(entry: PollerEntry): void {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    if (entry.idleTimer !== undefined) clearTimeout(entry.idleTimer);
    const stopping = entry.poller
      .stop()
      .catch((error: unknown) => {
        this.logger.error("stopping a qBittorrent poller failed", {
          url: entry.client.url,
          error: String(error),
        });
      })
      .finally(() => {
        entry.client.close();
        this.retiring.delete(stopping);
        this.logger.info("stopped qBittorrent maindata poller", { url: entry.client.url });
      });
    this.retiring.add(stopping);
  }
}

function normalizedUrl(url: string): string {
  return parseWebuiUrl(url).toString().replace(/\/+$/, "");
}

/** URL plus credentials; secrets enter only as SHA-256 digests, so the key is safe to keep and log. */
/** One instance with one identity (URL, user, digests of the secrets): one poller, one login backoff. */
export function endpointIdentity(endpoint: QbittorrentEndpoint): string {
  const digest = (secret: string | undefined): string =>
    secret === undefined ? "-" : createHash("sha256").update(secret).digest("hex");
  return [
    normalizedUrl(endpoint.url),
    endpoint.username ?? "-",
    digest(endpoint.password),
    digest(endpoint.apiKey),
  ].join("\n");
}
