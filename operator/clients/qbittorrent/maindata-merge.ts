// Folds one /api/v2/sync/maindata answer (full, or only changed fields plus torrents_removed) into the
// previous picture of a qBittorrent instance (pure); the maindata poller calls it on every tick.

import type { MaindataResponse, QbittorrentCategory, QbittorrentTorrent } from "./api-types.js";

export interface MaindataState {
  /** The rid to send next. */
  rid: number;
  /** Keyed by lowercase qBittorrent hash; entries are never mutated, only replaced. */
  torrents: ReadonlyMap<string, QbittorrentTorrent>;
  categories: ReadonlyMap<string, QbittorrentCategory>;
  tags: ReadonlySet<string>;
  serverState: Readonly<Record<string, unknown>>;
}

export interface MaindataMergeResult {
  state: MaindataState;
  /** Hashes added or with at least one field whose value differs. */
  changed: string[];
  /** Hashes that were known and are gone. */
  removed: string[];
  fullUpdate: boolean;
}

export const emptyMaindataState: MaindataState = {
  rid: 0,
  torrents: new Map(),
  categories: new Map(),
  tags: new Set(),
  serverState: {},
};

export function mergeMaindata(previous: MaindataState, update: MaindataResponse): MaindataMergeResult {
  const fullUpdate = update.full_update === true;
  const { torrents, changed, removed } = fullUpdate
    ? replaceTorrents(previous.torrents, update)
    : patchTorrents(previous.torrents, update);
  return {
    state: {
      rid: update.rid,
      torrents,
      categories: fullUpdate ? replaceCategories(update) : patchCategories(previous.categories, update),
      tags: fullUpdate ? new Set(update.tags ?? []) : patchTags(previous.tags, update),
      serverState: fullUpdate
        ? { ...(update.server_state ?? {}) }
        : update.server_state === undefined
          ? previous.serverState
          : { ...previous.serverState, ...update.server_state },
    },
    changed,
    removed,
    fullUpdate,
  };
}

interface TorrentsMerge {
  torrents: ReadonlyMap<string, QbittorrentTorrent>;
  changed: string[];
  removed: string[];
}

function replaceTorrents(
  previous: ReadonlyMap<string, QbittorrentTorrent>,
  update: MaindataResponse,
): TorrentsMerge {
  const torrents = new Map<string, QbittorrentTorrent>();
  const changed: string[] = [];
  for (const [key, fields] of Object.entries(update.torrents ?? {})) {
    const hash = key.toLowerCase();
    const torrent = { ...fields, hash } as QbittorrentTorrent;
    const before = previous.get(hash);
    // A full update after a re-login repeats everything: report only torrents that really differ.
    if (before !== undefined && sameFields(before, torrent)) {
      torrents.set(hash, before);
    } else {
      torrents.set(hash, torrent);
      changed.push(hash);
    }
  }
  const removed = [...previous.keys()].filter((hash) => !torrents.has(hash));
  return { torrents, changed, removed };
}

function patchTorrents(
  previous: ReadonlyMap<string, QbittorrentTorrent>,
  update: MaindataResponse,
): TorrentsMerge {
  const entries = Object.entries(update.torrents ?? {});
  const toRemove = (update.torrents_removed ?? []).map((hash) => hash.toLowerCase());
  if (entries.length === 0 && toRemove.length === 0) return { torrents: previous, changed: [], removed: [] };

  const torrents = new Map(previous);
  const changed: string[] = [];
  for (const [key, fields] of entries) {
    const hash = key.toLowerCase();
    const before = torrents.get(hash);
    const after = { ...before, ...fields, hash } as QbittorrentTorrent;
    if (before !== undefined && sameFields(before, after)) continue;
    torrents.set(hash, after);
    changed.push(hash);
  }
  const removed: string[] = [];
  for (const hash of toRemove) {
    if (torrents.delete(hash)) removed.push(hash);
  }
  return { torrents, changed, removed };
}

function sameFields(left: Record<string, unknown>, right: Record<string, unknown>): boolean {
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every((key) => Object.is(left[key], right[key]));
}

function replaceCategories(update: MaindataResponse): Map<string, QbittorrentCategory> {
  return new Map(Object.entries(update.categories ?? {}));
}

function patchCategories(
  previous: ReadonlyMap<string, QbittorrentCategory>,
  update: MaindataResponse,
): ReadonlyMap<string, QbittorrentCategory> {
  if (update.categories === undefined && update.categories_removed === undefined) return previous;
  const categories = new Map(previous);
  for (const [name, fields] of Object.entries(update.categories ?? {})) {
    categories.set(name, { ...categories.get(name), ...fields });
  }
  for (const name of update.categories_removed ?? []) categories.delete(name);
  return categories;
}

function patchTags(previous: ReadonlySet<string>, update: MaindataResponse): ReadonlySet<string> {
  if (update.tags === undefined && update.tags_removed === undefined) return previous;
  const tags = new Set(previous);
  for (const tag of update.tags ?? []) tags.add(tag);
  for (const tag of update.tags_removed ?? []) tags.delete(tag);
  return tags;
}
