// Gives each Torrent the shared poller and client of its qBittorrent (one per instance, from
// the PollerRegistry) and turns poller events into queue keys through the TorrentIndex.
import type { QbittorrentClient } from "../../clients/qbittorrent/client.js";
import type { MaindataPoller, MaindataPollerEvent } from "../../clients/qbittorrent/maindata-poller.js";
import type { PollerRegistry } from "../../clients/qbittorrent/poller-registry.js";
import type { QbittorrentTarget } from "./client-resolution.js";
import { TorrentIndex } from "./torrent-index.js";

export interface TorrentBackend {
  poller: MaindataPoller;
  client: QbittorrentClient;
}

export class TorrentBackends {
  readonly index = new TorrentIndex();
  private readonly subscribed = new WeakSet<MaindataPoller>();
  private enqueue: (key: string) => void = () => undefined;

  constructor(private readonly registry: PollerRegistry) {}

  /** Where poller events send the keys of the Torrents they concern. */
  onChange(enqueue: (key: string) => void): void {
    this.enqueue = enqueue;
  }

  acquire(key: string, target: QbittorrentTarget, hashes: readonly string[]): TorrentBackend {
    const poller = this.registry.acquire(key, target);
    this.index.track(key, target.id, hashes);
    if (!this.subscribed.has(poller)) {
      this.subscribed.add(poller);
      poller.subscribe((event) => {
        for (const changedKey of this.keysToWake(target.id, event)) this.enqueue(changedKey);
      });
    }
    return { poller, client: this.registry.clientFor(key) };
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

  async release(key: string): Promise<void> {
    this.index.forget(key);
    await this.registry.release(key);
  }

  async stop(): Promise<void> {
    await this.registry.stopAll();
  }
}
