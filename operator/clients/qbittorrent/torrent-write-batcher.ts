// Collects many Torrents' adds and deletes for one qBittorrent and sends one request per option set,
// then tells each caller whether its magnet was added, already there, or refused. Owned by the poller.

import type { AddTorrentsResult, QbittorrentTorrent } from "./api-types.js";
import { acceptedNothing } from "./add-torrents-answer.js";
import type { QbittorrentClient } from "./client.js";
import { lookupHashes, matchesTorrent, parseMagnet } from "./infohash.js";
import type { ParsedMagnet } from "./infohash.js";
import { silentQbittorrentLogger } from "./logger.js";
import type { QbittorrentLogger } from "./logger.js";

export interface TorrentAddRequest {
  magnetUri: string;
  savePath?: string;
  category?: string;
  tags?: string[];
  paused?: boolean;
  /** Bytes per second. */
  upLimit?: number;
  dlLimit?: number;
}

/**
 * - added: this request put the torrent into qBittorrent (the caller owns it);
 * - duplicate: the torrent was already there, or an earlier request of the same batch added it;
 * - invalid: qBittorrent refused the magnet or dropped it right after accepting it.
 */
export type TorrentAddOutcome =
  | { outcome: "added"; hash: string; torrent: QbittorrentTorrent }
  | { outcome: "duplicate"; hash: string; torrent: QbittorrentTorrent }
  | { outcome: "invalid"; hash: string; message: string };

export type TorrentWriter = Pick<QbittorrentClient, "addTorrents" | "deleteTorrents" | "torrentsInfo">;

export interface TorrentWriteBatcherOptions {
  client: TorrentWriter;
  /** How long requests are collected before they are sent. */
  windowMs: number;
  /**
   * A batch this large is sent at once instead of at the window's end: when as many writes wait as
   * callers can (the Torrent controller's concurrency), nobody else can join it, and waiting out the
   * window only stalls them all (16 waves of 64 deletes lost 200 ms each for 1,000 Torrents).
   */
  flushAt?: number;
  /** After "Ok.", how long to wait for each accepted torrent to show up before calling it invalid. */
  verifyTimeoutMs: number;
  verifyIntervalMs?: number;
  logger?: QbittorrentLogger;
  /** Called after each flush that wrote something (the poller polls at once). */
  afterWrite?: () => void;
  /**
   * What the caller already knows (the poller's picture): finds torrents `hashes=` cannot, such as a
   * hybrid (listed under its v2 id) named by a v1-only magnet.
   */
  knownTorrent?: (parsed: ParsedMagnet) => QbittorrentTorrent | undefined;
}

interface Settlement<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

interface PendingAdd extends Settlement<TorrentAddOutcome> {
  request: TorrentAddRequest;
  parsed: ParsedMagnet;
}

interface PendingDelete extends Settlement<void> {
  hash: string;
  deleteFiles: boolean;
}

export class TorrentWriteBatcher {
  private readonly options: TorrentWriteBatcherOptions;
  private readonly logger: QbittorrentLogger;
  private pendingAdds: PendingAdd[] = [];
  private pendingDeletes: PendingDelete[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushChain: Promise<void> = Promise.resolve();

  constructor(options: TorrentWriteBatcherOptions) {
    this.options = options;
    this.logger = options.logger ?? silentQbittorrentLogger;
  }

  /** Rejects at once with InvalidMagnetError when the magnet cannot name a torrent. */
  enqueueAdd(request: TorrentAddRequest): Promise<TorrentAddOutcome> {
    let parsed: ParsedMagnet;
    try {
      parsed = parseMagnet(request.magnetUri);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<TorrentAddOutcome>((resolve, reject) => {
      this.pendingAdds.push({ request, parsed, resolve, reject });
      this.armOrFlush();
    });
  }

  /** Resolves once qBittorrent confirmed the delete (unknown hashes included). */
  enqueueDelete(hash: string, deleteFiles: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pendingDeletes.push({ hash: hash.toLowerCase(), deleteFiles, resolve, reject });
      this.armOrFlush();
    });
  }

  /** Sends whatever is pending now; batches are sent one after another, deletes before adds. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const adds = this.pendingAdds;
    const deletes = this.pendingDeletes;
    this.pendingAdds = [];
    this.pendingDeletes = [];
    if (adds.length === 0 && deletes.length === 0) return this.flushChain;
    this.flushChain = this.flushChain.then(async () => {
      try {
        await this.sendDeletes(deletes);
        await this.sendAdds(adds);
        this.options.afterWrite?.();
      } catch (error) {
        // sendDeletes/sendAdds settle every caller themselves; this only guards the chain.
        this.logger.error("qBittorrent write batch failed", { error: String(error) });
      }
    });
    return this.flushChain;
  }

  private armOrFlush(): void {
    const { flushAt } = this.options;
    if (flushAt !== undefined && this.pendingAdds.length + this.pendingDeletes.length >= flushAt) {
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => void this.flush(), this.options.windowMs);
  }

  private async sendDeletes(deletes: PendingDelete[]): Promise<void> {
    for (const deleteFiles of [false, true]) {
      const group = deletes.filter((entry) => entry.deleteFiles === deleteFiles);
      if (group.length === 0) continue;
      try {
        await this.options.client.deleteTorrents([...new Set(group.map((entry) => entry.hash))], deleteFiles);
        this.logger.debug("deleted torrents from qBittorrent", { count: group.length, deleteFiles });
        for (const entry of group) entry.resolve();
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
  }

  private async sendAdds(adds: PendingAdd[]): Promise<void> {
    if (adds.length === 0) return;
    // One magnet per torrent: the first request of a batch owns it, later ones are duplicates of it.
    const primaries = new Map<string, PendingAdd>();
    for (const add of adds) {
      if (!primaries.has(add.parsed.qbittorrentHash)) primaries.set(add.parsed.qbittorrentHash, add);
    }
    const outcomes = new Map<string, TorrentAddOutcome | { error: unknown }>();

    // Fresh read first, so "duplicate" (adopt, never delete) is never decided from a stale picture.
    let existing: QbittorrentTorrent[];
    try {
      existing = await this.options.client.torrentsInfo(
        [...primaries.values()].flatMap((add) => lookupHashes(add.parsed)),
      );
    } catch (error) {
      for (const add of adds) add.reject(error);
      return;
    }
    const toSend: PendingAdd[] = [];
    for (const [hash, add] of primaries) {
      const torrent =
        existing.find((candidate) => matchesTorrent(add.parsed, candidate)) ?? this.knownElsewhere(add);
      if (torrent === undefined) toSend.push(add);
      else outcomes.set(hash, { outcome: "duplicate", hash: torrent.hash, torrent });
    }

    for (const group of groupByOptions(toSend)) {
      try {
        for (const [hash, outcome] of await this.addGroup(group)) outcomes.set(hash, outcome);
      } catch (error) {
        for (const add of group) outcomes.set(add.parsed.qbittorrentHash, { error });
      }
    }

    for (const add of adds) {
      const hash = add.parsed.qbittorrentHash;
      const outcome = outcomes.get(hash);
      if (outcome === undefined) {
        add.reject(new Error(`no outcome for ${hash}`));
      } else if ("error" in outcome) {
        add.reject(outcome.error);
      } else if (primaries.get(hash) !== add && outcome.outcome === "added") {
        add.resolve({ outcome: "duplicate", hash: outcome.hash, torrent: outcome.torrent });
      } else {
        add.resolve(outcome);
      }
    }
  }

  /** A torrent the caller knows under a hash the fresh lookup did not ask for (else that lookup is the truth). */
  private knownElsewhere(add: PendingAdd): QbittorrentTorrent | undefined {
    const known = this.options.knownTorrent?.(add.parsed);
    if (known === undefined || lookupHashes(add.parsed).includes(known.hash.toLowerCase())) return undefined;
    return known;
  }

  private async addGroup(group: PendingAdd[]): Promise<Map<string, TorrentAddOutcome>> {
    const result = await this.send(group);
    const nothingAccepted = acceptedNothing(result);
    this.logger.debug("sent torrents to qBittorrent", { count: group.length, answer: result.kind });

    // Up to 5.1 one "Ok."/"Fails." covers the whole batch, and "Ok." does not even prove that every
    // magnet was added (libtorrent drops some after accepting them): look at each torrent again.
    const found = await this.findAfterAdd(group, nothingAccepted ? 0 : this.options.verifyTimeoutMs);
    const outcomes = new Map<string, TorrentAddOutcome>();
    for (const add of group) {
      const hash = add.parsed.qbittorrentHash;
      const seen = found.get(hash);
      if (seen !== undefined) {
        const outcome = nothingAccepted || seen.indirect ? "duplicate" : "added";
        outcomes.set(hash, { outcome, hash: seen.torrent.hash, torrent: seen.torrent });
      } else {
        // Missing after "Ok.": accepted, then lost. qBittorrent 4.5.2 does that to every magnet after a
        // poisonous one (all-zero hash) in a request, and then refuses it until it is restarted.
        outcomes.set(hash, {
          outcome: "invalid",
          hash,
          message: nothingAccepted
            ? `qBittorrent refused the magnet (answered ${describeAnswer(result.kind)})`
            : `qBittorrent accepted the magnet but the torrent did not appear within ${this.options.verifyTimeoutMs} ms`,
        });
      }
    }
    return outcomes;
  }

  private async send(adds: PendingAdd[]): Promise<AddTorrentsResult> {
    const [first] = adds;
    const request = first?.request ?? { magnetUri: "" };
    return this.options.client.addTorrents({
      urls: adds.map((add) => add.request.magnetUri.trim()),
      ...(request.savePath === undefined ? {} : { savepath: request.savePath }),
      ...(request.category === undefined ? {} : { category: request.category }),
      ...(request.tags === undefined ? {} : { tags: request.tags }),
      ...(request.paused === undefined ? {} : { paused: request.paused }),
      ...(request.upLimit === undefined ? {} : { upLimit: request.upLimit }),
      ...(request.dlLimit === undefined ? {} : { dlLimit: request.dlLimit }),
    });
  }

  /**
   * Looks the torrents up by hash until all are found or the time is up; what is still missing is then
   * looked for in the full list once (a v1-only magnet of a hybrid torrent: `indirect`, never ours).
   */
  private async findAfterAdd(
    group: PendingAdd[],
    timeoutMs: number,
  ): Promise<Map<string, { torrent: QbittorrentTorrent; indirect: boolean }>> {
    const found = new Map<string, { torrent: QbittorrentTorrent; indirect: boolean }>();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = group.filter((add) => !found.has(add.parsed.qbittorrentHash));
      const torrents = await this.options.client.torrentsInfo(
        missing.flatMap((add) => lookupHashes(add.parsed)),
      );
      for (const add of missing) {
        const torrent = torrents.find((candidate) => matchesTorrent(add.parsed, candidate));
        if (torrent !== undefined) found.set(add.parsed.qbittorrentHash, { torrent, indirect: false });
      }
      if (found.size === group.length || Date.now() >= deadline) break;
      await sleep(Math.min(this.options.verifyIntervalMs ?? 100, Math.max(0, deadline - Date.now())));
    }
    const stillMissing = group.filter((add) => !found.has(add.parsed.qbittorrentHash));
    if (stillMissing.length > 0) {
      const everything = await this.options.client.torrentsInfo();
      for (const add of stillMissing) {
        const torrent = everything.find((candidate) => matchesTorrent(add.parsed, candidate));
        if (torrent !== undefined) found.set(add.parsed.qbittorrentHash, { torrent, indirect: true });
      }
    }
    return found;
  }
}

function groupByOptions(adds: PendingAdd[]): PendingAdd[][] {
  const groups = new Map<string, PendingAdd[]>();
  for (const add of adds) {
    const { savePath, category, tags, paused, upLimit, dlLimit } = add.request;
    const key = JSON.stringify([
      savePath ?? null,
      category ?? null,
      tags === undefined ? null : [...tags].sort(),
      paused ?? null,
      upLimit ?? null,
      dlLimit ?? null,
    ]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [add]);
    else group.push(add);
  }
  return [...groups.values()];
}

function describeAnswer(kind: AddTorrentsResult["kind"]): string {
  switch (kind) {
    case "fails":
      return '"Fails."';
    case "conflict":
      return "409 Conflict";
    default:
      return "that nothing was added";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
