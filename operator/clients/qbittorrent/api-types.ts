// The shapes qBittorrent's Web API v2 sends and accepts, as far as mediaplane reads them (4.1 to 5.2).
// Shared by the client, the maindata merge and the poller; no behaviour here.

/** `state` values; the paused* names became stopped* in 5.0. Unknown future states stay strings. */
export type QbittorrentTorrentState =
  | "error"
  | "missingFiles"
  | "uploading"
  | "stalledUP"
  | "checkingUP"
  | "forcedUP"
  | "queuedUP"
  | "pausedUP"
  | "stoppedUP"
  | "downloading"
  | "metaDL"
  | "forcedMetaDL"
  | "stalledDL"
  | "checkingDL"
  | "forcedDL"
  | "queuedDL"
  | "pausedDL"
  | "stoppedDL"
  | "allocating"
  | "checkingResumeData"
  | "moving"
  | "unknown"
  | (string & {});

/** One torrent as `/torrents/info` lists it and as the maindata merge reassembles it. */
export interface QbittorrentTorrent {
  /** qBittorrent's id: v1 hash, or the first 40 hex characters of the v2 hash (v2-only and hybrid). */
  hash: string;
  /** Since 4.4 (Web API 2.8.3); "" when unknown. */
  infohash_v1?: string;
  infohash_v2?: string;
  name: string;
  state: QbittorrentTorrentState;
  /** 0..1 */
  progress: number;
  size: number;
  /** -1 until the metadata is known. */
  total_size: number;
  /** 0 while metadata is still downloading: not a sign of completion. */
  amount_left: number;
  /** "" until the metadata is known. */
  content_path: string;
  save_path: string;
  magnet_uri: string;
  category: string;
  /** Comma-separated with a space: "a, b". */
  tags: string;
  /** Unix seconds. */
  added_on: number;
  completion_on: number;
  time_active: number;
  up_limit: number;
  dl_limit: number;
  [field: string]: unknown;
}

/** `/sync/maindata?rid=N`: a full snapshot (`full_update`) or only what changed since rid N. */
export interface MaindataResponse {
  rid: number;
  full_update?: boolean;
  /** Keyed by hash; in a partial update each entry carries only its changed fields (never `hash`). */
  torrents?: Record<string, Partial<QbittorrentTorrent>>;
  torrents_removed?: string[];
  categories?: Record<string, QbittorrentCategory>;
  categories_removed?: string[];
  tags?: string[];
  tags_removed?: string[];
  server_state?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface QbittorrentCategory {
  name: string;
  savePath: string;
  [field: string]: unknown;
}

export interface TorrentFileUpload {
  /** Shown by qBittorrent in its errors ("Error: 'x.torrent' is not a valid torrent file."). */
  filename: string;
  content: Uint8Array;
}

export interface AddTorrentsRequest {
  /** Magnet URIs or http(s) URLs; sent in ONE request, newline-separated. */
  urls?: string[];
  /** .torrent files, sent as multipart file parts. */
  torrentFiles?: TorrentFileUpload[];
  savepath?: string;
  category?: string;
  tags?: string[];
  /** Sent as `paused` (Web API < 2.11) or `stopped` (>= 2.11). */
  paused?: boolean;
  /** Bytes per second; 0 or absent means unlimited. */
  upLimit?: number;
  dlLimit?: number;
}

/**
 * How qBittorrent answered `/torrents/add`.
 * - `ok` / `fails`: up to 5.1, 200 with body "Ok." (at least one source accepted — NOT proof that every
 *   one was added: libtorrent may still drop a source) or "Fails." (none accepted: duplicates and
 *   refused magnets alike).
 * - `counts`: 5.2, a JSON summary (200, or 202 when some are still pending).
 * - `conflict`: 5.2, 409 when nothing was added.
 */
export type AddTorrentsResult =
  | { kind: "ok" }
  | { kind: "fails" }
  | {
      kind: "counts";
      status: number;
      successCount: number;
      failureCount: number;
      pendingCount: number;
      addedTorrentIds: string[];
    }
  | { kind: "conflict"; message: string };

export interface ShareLimits {
  /** -2: use the global limit, -1: no limit. */
  ratioLimit: number;
  /** Minutes; -2 global, -1 none. */
  seedingTimeLimit: number;
  /** Minutes; -2 global, -1 none. Required by qBittorrent 4.6+, ignored before. */
  inactiveSeedingTimeLimit?: number;
}
