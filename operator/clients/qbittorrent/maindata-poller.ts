// ONE poller per qBittorrent instance, shared by its Torrents: incremental /sync/maindata reads, batched
// writes, and notifications to the Torrent controller of which hashes changed or that qBittorrent fails.

import type { QbittorrentTorrent } from "./api-types.js";
import type { QbittorrentClient } from "./client.js";
import { QbittorrentError, QbittorrentProtocolError, QbittorrentUnauthorizedError } from "./errors.js";
import { matchesTorrent } from "./infohash.js";
import type { ParsedMagnet } from "./infohash.js";
import { silentQbittorrentLogger } from "./logger.js";
import type { QbittorrentLogger } from "./logger.js";
import { emptyMaindataState, mergeMaindata } from "./maindata-merge.js";
import type { MaindataState } from "./maindata-merge.js";
import { TorrentWriteBatcher } from "./torrent-write-batcher.js";
import type { TorrentAddOutcome, TorrentAddRequest, TorrentWriter } from "./torrent-write-batcher.js";

export type MaindataPollerClient = Pick<QbittorrentClient, "syncMaindata" | "url"> & TorrentWriter;

export interface MaindataPollerOptions {
  client: MaindataPollerClient;
  /** Time between polls while healthy. Default 3 s. */
  intervalMs?: number;
  /** Longest wait between polls while qBittorrent is failing. Default 60 s. */
  maxBackoffMs?: number;
  /** How long adds/deletes are collected before one request is sent. Default 200 ms. */
  writeWindowMs?: number;
  /** A write batch this large is sent at once (the number of callers that can wait on it). */
  writeFlushAt?: number;
  /** After "Ok.", how long an added torrent may take to show up before it counts as refused. Default 10 s. */
  addVerifyTimeoutMs?: number;
  logger?: QbittorrentLogger;
}

export type MaindataPollerEvent =
  | { type: "changed"; changed: readonly string[]; removed: readonly string[]; fullUpdate: boolean }
  | { type: "error"; error: QbittorrentError; consecutiveFailures: number; retryInMs: number }
  | { type: "recovered" };

export type MaindataPollerListener = (event: MaindataPollerEvent) => void;

export interface MaindataPollerHealth {
  running: boolean;
  /** At least one poll succeeded since start. */
  synced: boolean;
  /** The last poll succeeded. */
  healthy: boolean;
  consecutiveFailures: number;
  lastSuccessAt: Date | undefined;
  lastError: QbittorrentError | undefined;
  lastErrorAt: Date | undefined;
}

export class MaindataPoller {
  private readonly client: MaindataPollerClient;
  private readonly intervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly logger: QbittorrentLogger;
  private readonly writer: TorrentWriteBatcher;
  private readonly listeners = new Set<MaindataPollerListener>();
  private state: MaindataState = emptyMaindataState;
  private byInfohash: { v1: Map<string, string>; v2: Map<string, string> } | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private currentTick: Promise<void> | undefined;
  private queuedTick: Promise<void> | undefined;
  private consecutiveFailures = 0;
  private lastSuccessAt: Date | undefined;
  private lastError: QbittorrentError | undefined;
  private lastErrorAt: Date | undefined;

  constructor(options: MaindataPollerOptions) {
    this.client = options.client;
    this.intervalMs = options.intervalMs ?? 3_000;
    this.maxBackoffMs = Math.max(options.maxBackoffMs ?? 60_000, this.intervalMs);
    this.logger = options.logger ?? silentQbittorrentLogger;
    this.writer = new TorrentWriteBatcher({
      client: options.client,
      windowMs: options.writeWindowMs ?? 200,
      ...(options.writeFlushAt !== undefined ? { flushAt: options.writeFlushAt } : {}),
      verifyTimeoutMs: options.addVerifyTimeoutMs ?? 10_000,
      logger: this.logger,
      afterWrite: () => {
        if (this.running) void this.pollNow();
      },
      knownTorrent: (parsed) => this.findByParsedMagnet(parsed),
    });
  }

  /** Starts polling at once; calling it again does nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.pollNow();
  }

  /** Stops polling after the poll in flight and sends the writes still collected. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.queuedTick;
    await this.currentTick;
    await this.writer.flush();
  }

  /** Polls now (after the poll in flight, if any); concurrent calls share one extra poll. */
  pollNow(): Promise<void> {
    this.queuedTick ??= (async () => {
      await this.currentTick;
      this.queuedTick = undefined;
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      this.currentTick = this.tick().finally(() => {
        this.currentTick = undefined;
      });
      await this.currentTick;
    })();
    return this.queuedTick;
  }

  /** Listens to changes and errors; returns the unsubscribe function. */
  subscribe(listener: MaindataPollerListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A torrent by qBittorrent hash (any case). */
  get(hash: string): QbittorrentTorrent | undefined {
    return this.state.torrents.get(hash.toLowerCase());
  }

  /** The torrent a magnet names, matched on hash, infohash_v1 and infohash_v2. */
  findByParsedMagnet(parsed: ParsedMagnet): QbittorrentTorrent | undefined {
    for (const hash of [parsed.qbittorrentHash, parsed.infohashV1, parsed.infohashV2?.slice(0, 40)]) {
      if (hash === undefined) continue;
      const torrent = this.state.torrents.get(hash);
      if (torrent !== undefined && matchesTorrent(parsed, torrent)) return torrent;
    }
    // e.g. a torrent added by its v1 hash whose metadata later revealed a v2 hash the magnet names.
    const index = this.infohashIndex();
    const key =
      (parsed.infohashV1 === undefined ? undefined : index.v1.get(parsed.infohashV1)) ??
      (parsed.infohashV2 === undefined ? undefined : index.v2.get(parsed.infohashV2));
    return key === undefined ? undefined : this.state.torrents.get(key);
  }

  /** Every known torrent, keyed by hash. The map is replaced, never mutated, on each change. */
  snapshot(): ReadonlyMap<string, QbittorrentTorrent> {
    return this.state.torrents;
  }

  health(): MaindataPollerHealth {
    return {
      running: this.running,
      synced: this.lastSuccessAt !== undefined,
      healthy: this.lastSuccessAt !== undefined && this.consecutiveFailures === 0,
      consecutiveFailures: this.consecutiveFailures,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  /** Batched add; see TorrentAddOutcome. Rejects with InvalidMagnetError or a QbittorrentError. */
  enqueueAdd(request: TorrentAddRequest): Promise<TorrentAddOutcome> {
    return this.writer.enqueueAdd(request);
  }

  /** Batched delete; unknown hashes succeed. */
  enqueueDelete(hash: string, deleteFiles: boolean): Promise<void> {
    return this.writer.enqueueDelete(hash, deleteFiles);
  }

  /** Sends collected writes now instead of at the end of the window. */
  flushWrites(): Promise<void> {
    return this.writer.flush();
  }

  private async tick(): Promise<void> {
    let delay = this.intervalMs;
    try {
      const update = await this.client.syncMaindata(this.state.rid);
      const merge = mergeMaindata(this.state, update);
      this.state = merge.state;
      if (merge.changed.length > 0 || merge.removed.length > 0) this.byInfohash = undefined;
      const recovered = this.consecutiveFailures > 0;
      this.consecutiveFailures = 0;
      this.lastSuccessAt = new Date();
      if (recovered) {
        this.logger.info("qBittorrent maindata polling recovered", { url: this.client.url });
        this.emit({ type: "recovered" });
      }
      if (merge.changed.length > 0 || merge.removed.length > 0) {
        this.emit({
          type: "changed",
          changed: merge.changed,
          removed: merge.removed,
          fullUpdate: merge.fullUpdate,
        });
      }
    } catch (caught) {
      const error =
        caught instanceof QbittorrentError
          ? caught
          : new QbittorrentProtocolError(`maindata poll failed: ${String(caught)}`, {
              endpoint: "sync/maindata",
            });
      this.consecutiveFailures += 1;
      this.lastError = error;
      this.lastErrorAt = new Date();
      delay = Math.min(this.intervalMs * 2 ** this.consecutiveFailures, this.maxBackoffMs);
      // A login held back or refused: the login backoff's schedule (the burst's 5 s and 10 s, a ban's wait)
      // is the one that keeps qBittorrent's count below its ban. Doubling on top of it would count every
      // Torrent's poll while logins were held back and push the burst out to the 60 s cap.
      if (error instanceof QbittorrentUnauthorizedError && error.retryAfterMs !== undefined) {
        delay = Math.max(this.intervalMs, Math.min(error.retryAfterMs, this.maxBackoffMs * 10));
      }
      // The seed's line: the maindata poll is this operator's torrents info list.
      this.logger.warn("Failed to get torrents info list", {
        url: this.client.url,
        reason: error.reason,
        error: error.message,
        consecutiveFailures: this.consecutiveFailures,
        retryInMs: delay,
      });
      this.emit({ type: "error", error, consecutiveFailures: this.consecutiveFailures, retryInMs: delay });
    }
    if (this.running) {
      this.timer = setTimeout(() => void this.pollNow(), delay);
      this.timer.unref();
    }
  }

  private emit(event: MaindataPollerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error("maindata poller subscriber threw", { url: this.client.url, error: String(error) });
      }
    }
  }

  private infohashIndex(): { v1: Map<string, string>; v2: Map<string, string> } {
    if (this.byInfohash === undefined) {
      const v1 = new Map<string, string>();
      const v2 = new Map<string, string>();
      for (const [hash, torrent] of this.state.torrents) {
        if (typeof torrent.infohash_v1 === "string" && torrent.infohash_v1 !== "") {
          v1.set(torrent.infohash_v1.toLowerCase(), hash);
        }
        if (typeof torrent.infohash_v2 === "string" && torrent.infohash_v2 !== "") {
          v2.set(torrent.infohash_v2.toLowerCase(), hash);
        }
      }
      this.byInfohash = { v1, v2 };
    }
    return this.byInfohash;
  }
}
