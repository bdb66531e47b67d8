// The Torrent controller's one port to qBittorrent: per instance the shared poller and client, which
// Torrent watches which hash, when progress was last written, and how a failure becomes a retried condition.
import { QbittorrentError } from "../../clients/qbittorrent/errors.js";
import type { QbittorrentClient } from "../../clients/qbittorrent/client.js";
import type { MaindataPoller, MaindataPollerEvent } from "../../clients/qbittorrent/maindata-poller.js";
import type { PollerRegistry, QbittorrentEndpoint } from "../../clients/qbittorrent/poller-registry.js";
import type { CacheReader } from "../../framework/context.js";
import type { ExternalEventSource } from "../../framework/controller.js";
import { TemporaryError } from "../../framework/outcome.js";
import type { Torrent } from "../../generated/torrent.js";
import { describeClientFailure } from "./client-failure.js";
import { resolveClient, type ClientResolution, type QbittorrentTarget } from "./client-resolution.js";
import { decideProgressWrite, type ProgressDecision } from "./progress-coalescing.js";
import { TorrentIndex } from "./torrent-index.js";
import type { ReportedFields } from "./torrent-status.js";

/** One Torrent's view of its qBittorrent: the shared poller, the client for unbatched calls. */
export interface TorrentBackend {
  readonly target: QbittorrentTarget;
  readonly poller: MaindataPoller;
  readonly client: QbittorrentClient;
}

export interface QbittorrentPortOptions {
  /** The qBittorrent of Torrents without client_ref (QBITTORRENT_URL), if any. */
  readonly defaultTarget?: QbittorrentEndpoint;
  /** A downloading torrent's progress is written at most once per this interval (0: every change). */
  readonly progressIntervalMs: number;
  readonly now?: () => number;
}

export class QbittorrentPort implements ExternalEventSource {
  private readonly index = new TorrentIndex();
  /** When each Torrent's progress was last written by this process (by "namespace/name"). */
  private readonly progressWrites = new Map<string, number>();
  private readonly subscribed = new WeakSet<MaindataPoller>();
  private wake: (key: string) => void = () => undefined;

  constructor(
    private readonly registry: PollerRegistry,
    private readonly options: QbittorrentPortOptions,
  ) {}

  /** The framework's external event source: poller changes wake the Torrents they concern. */
  subscribe(wake: (key: string) => void): void {
    this.wake = wake;
  }

  resolve(torrent: Torrent, cache: CacheReader): ClientResolution {
    return resolveClient(torrent, cache, this.options.defaultTarget);
  }

  /** Whether `torrent` uses the qBittorrent `target` (same URL and identity). */
  sameTarget(torrent: Torrent, cache: CacheReader, target: QbittorrentTarget): boolean {
    const resolution = this.resolve(torrent, cache);
    return resolution.kind === "ready" && resolution.target.id === target.id;
  }

  /**
   * The backend for `key`, after the poller's first snapshot: an unhealthy qBittorrent throws the
   * retried failure (Available=Unknown through the reason table, Ready=False, one Event per transition).
   */
  async connect(key: string, target: QbittorrentTarget, hashes: readonly string[]): Promise<TorrentBackend> {
    const poller = this.registry.acquire(key, target);
    this.index.track(key, target.id, hashes);
    if (!this.subscribed.has(poller)) {
      this.subscribed.add(poller);
      poller.subscribe((event) => {
        for (const changed of this.keysToWake(target.id, event)) this.wake(changed);
      });
    }
    if (!poller.health().synced) await poller.pollNow();
    const health = poller.health();
    if (!health.synced || !health.healthy)
      throw this.failure(target, health.lastError, health.consecutiveFailures);
    return { target, poller, client: this.registry.clientFor(key) };
  }

  /** Remembers the hashes a Torrent answers to (the magnet's and qBittorrent's own). */
  track(key: string, backend: TorrentBackend, hashes: readonly string[]): void {
    this.index.track(key, backend.target.id, hashes);
  }

  /** Runs qBittorrent calls; a client error becomes the retried failure with the poller's backoff count. */
  async call<R>(backend: TorrentBackend, work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof QbittorrentError)) throw error;
      throw this.failure(backend.target, error, backend.poller.health().consecutiveFailures + 1);
    }
  }

  /** Whether this run writes the progress it saw now, or holds it back (with a requeue) to coalesce. */
  decideProgress(key: string, previous: Partial<ReportedFields>, next: ReportedFields): ProgressDecision {
    const now = (this.options.now ?? Date.now)();
    const decision = decideProgressWrite({
      previous,
      next,
      lastProgressWriteAt: this.progressWrites.get(key),
      now,
      intervalMs: this.options.progressIntervalMs,
    });
    if (decision.writesProgress) this.progressWrites.set(key, now);
    return decision;
  }

  /** The Torrent is gone (or moved): forget it and let its poller stop when no Torrent uses it. */
  async release(key: string): Promise<void> {
    this.index.forget(key);
    this.progressWrites.delete(key);
    await this.registry.release(key);
  }

  async stop(): Promise<void> {
    await this.registry.stopAll();
  }

  private failure(
    target: QbittorrentTarget,
    error: QbittorrentError | undefined,
    failures: number,
  ): TemporaryError {
    const where = `qBittorrent at ${target.url} (${target.source})`;
    const { reason, message, retryAfterMs } = describeClientFailure(error, where, failures);
    return new TemporaryError(reason, message, retryAfterMs, "Available");
  }

  /** A change wakes its Torrents; an outage wakes all of them once (their own backoff retries), as does recovery. */
  private keysToWake(targetId: string, event: MaindataPollerEvent): string[] {
    if (event.type === "changed") {
      return event.fullUpdate
        ? this.index.allKeys(targetId)
        : this.index.keysFor(targetId, [...event.changed, ...event.removed]);
    }
    if (event.type === "error" && event.consecutiveFailures > 1) return [];
    return this.index.allKeys(targetId);
  }
}
