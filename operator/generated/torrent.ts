// Generated from crds/torrent.yaml by tools/crd-types.ts (npm run gen:types).
// Do not edit: change the CRD and regenerate, so the schema stays the one source of truth.
import type { V1ObjectMeta } from "@kubernetes/client-node";

export const TorrentResource = {
  group: "torrent.qbittorrent.io",
  version: "v1alpha1",
  plural: "torrents",
  kind: "Torrent",
  namespaced: true,
} as const;

/** The torrent to keep and where. */
export type TorrentSpec = {
  /** The magnet URI, with an xt=urn:btih: (v1, 40 hex or 32 base32 characters) or xt=urn:btmh: (v2) topic. Immutable: create a new Torrent for another magnet. */
  magnet_uri: string;
  /** Which qBittorrent to use: a MediaStack in this namespace, or a Secret holding url and username/password or api_key. Absent: the operator-wide default (QBITTORRENT_URL, QBITTORRENT_USERNAME, QBITTORRENT_PASSWORD). */
  client_ref?: {
    /** MediaStack (use the stack's qBittorrent) or Secret (keys url and username/password or api_key). */
    kind: "MediaStack" | "Secret";
    /** Name of the MediaStack or Secret in this Torrent's namespace. */
    name: string;
  };
  /** Download directory inside qBittorrent; default the category's or qBittorrent's. */
  save_path?: string;
  /** qBittorrent category; created when missing. */
  category?: string;
  /** qBittorrent tags added to the torrent (besides the operator's own marker tag). */
  tags?: Array<string>;
  /** Keep the torrent paused (stopped on qBittorrent 5). */
  paused?: boolean;
  /** Delete the downloaded files when this Torrent is deleted. Default false: deleting a Torrent never deletes data unless asked. */
  delete_files_on_removal?: boolean;
  /** Upload limit in bytes per second; 0 or absent means unlimited. */
  upload_limit?: number;
  /** Download limit in bytes per second; 0 or absent means unlimited. */
  download_limit?: number;
};

/** The torrent as qBittorrent reports it, and the operator's conditions. */
export type TorrentStatus = {
  /** Absolute path of the torrent's content ("" before metadata is known). */
  content_path?: string;
  /** Unix time the torrent was added, as a string (seed-compatible). */
  added_on?: string;
  /** qBittorrent's state (downloading, stalledDL, metaDL, pausedDL/stoppedDL, uploading, ...). */
  state?: string;
  /** Total size in bytes; -1 until metadata is known. */
  total_size?: number;
  /** The torrent's display name. */
  name?: string;
  /** Seconds the torrent has been active. */
  time_active?: number;
  /** Bytes left to download (0 while metadata is still being fetched). */
  amount_left?: number;
  /** The hash qBittorrent identifies the torrent by. */
  hash?: string;
  /** Download progress as a percentage, e.g. "42.5%". */
  progress?: string;
  /** The v1 (SHA-1) info hash, if any. */
  infohash_v1?: string;
  /** The v2 (SHA-256) info hash, if any. */
  infohash_v2?: string;
  /** The qBittorrent instance holding the torrent (its URL, without credentials). */
  qbittorrent?: string;
  /** True when the torrent was already in qBittorrent; it is released, not deleted, with this Torrent. */
  adopted?: boolean;
  observedGeneration?: number;
  conditions?: Array<{
    type: string;
    status: "True" | "False" | "Unknown";
    reason: string;
    message: string;
    lastTransitionTime: string;
    observedGeneration?: number;
  }>;
};

export interface Torrent {
  apiVersion: "torrent.qbittorrent.io/v1alpha1";
  kind: "Torrent";
  metadata: V1ObjectMeta;
  spec: TorrentSpec;
  status?: TorrentStatus;
}
