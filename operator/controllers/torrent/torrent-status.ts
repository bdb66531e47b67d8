// Turns what qBittorrent reports about one torrent into the Torrent's status fields and its
// Available/Degraded conditions (pure), writing as little as possible: progress is rounded
// and time_active alone never causes a write.
import type { QbittorrentTorrent } from "../../clients/qbittorrent/api-types.js";
import type { ComputedCondition } from "../../framework/reasons.js";
import type { TorrentStatus } from "../../generated/torrent.js";
import { availableCondition, degradedCondition } from "./torrent-reasons.js";

/** time_active ticks every second; refresh it alone only when it is this stale. */
const timeActiveRefreshSeconds = 300;

export type ReportedFields = Pick<
  TorrentStatus,
  | "content_path"
  | "added_on"
  | "state"
  | "total_size"
  | "name"
  | "time_active"
  | "amount_left"
  | "hash"
  | "progress"
  | "infohash_v1"
  | "infohash_v2"
>;

export function formatProgress(progress: number): string {
  const percent = Math.floor(Math.max(0, Math.min(1, progress)) * 1000) / 10;
  return `${percent.toFixed(1)}%`;
}

/** The status fields for `torrent`, keeping the previous time_active when only it moved a little. */
export function reportedFields(
  torrent: QbittorrentTorrent,
  previous: TorrentStatus | undefined,
): ReportedFields {
  const fields: ReportedFields = {
    content_path: torrent.content_path,
    added_on: String(torrent.added_on),
    state: torrent.state,
    total_size: torrent.total_size,
    name: torrent.name,
    time_active: torrent.time_active,
    amount_left: torrent.amount_left,
    hash: torrent.hash,
    progress: formatProgress(torrent.progress),
    infohash_v1: torrent.infohash_v1 || undefined,
    infohash_v2: torrent.infohash_v2 || undefined,
  };
  if (previous?.time_active !== undefined) {
    const { time_active: _now, ...rest } = fields;
    const { time_active: _before, ...previousRest } = pickReported(previous);
    const onlyTimeMoved = JSON.stringify(rest) === JSON.stringify(previousRest);
    if (onlyTimeMoved && Math.abs(torrent.time_active - previous.time_active) < timeActiveRefreshSeconds) {
      fields.time_active = previous.time_active;
    }
  }
  return fields;
}

function pickReported(status: TorrentStatus): ReportedFields {
  return {
    content_path: status.content_path,
    added_on: status.added_on,
    state: status.state,
    total_size: status.total_size,
    name: status.name,
    time_active: status.time_active,
    amount_left: status.amount_left,
    hash: status.hash,
    progress: status.progress,
    infohash_v1: status.infohash_v1,
    infohash_v2: status.infohash_v2,
  };
}

const erroredStates: Record<
  string,
  { reason: "TorrentError" | "MissingFiles" | "UnknownState"; message: string }
> = {
  error: { reason: "TorrentError", message: "qBittorrent reports an error for this torrent" },
  missingFiles: { reason: "MissingFiles", message: "the torrent's files are missing from its save path" },
  unknown: { reason: "UnknownState", message: "qBittorrent reports an unknown state" },
};

function activity(state: string): string {
  if (state === "metaDL" || state === "forcedMetaDL") return "fetching metadata";
  if (/^(paused|stopped)(DL|UP)$/.test(state)) return "paused";
  if (state.startsWith("queued")) return "queued";
  if (state.startsWith("checking") || state === "checkingResumeData") return "checking";
  if (/UP$/.test(state) || state === "uploading") return "seeding";
  return "downloading";
}

/** Available (the seed's TorrentActive) and Degraded for a torrent qBittorrent holds. */
export function presenceConditions(torrent: QbittorrentTorrent): ComputedCondition[] {
  const errored = erroredStates[torrent.state];
  if (errored) {
    return [
      availableCondition(errored.reason, errored.message),
      degradedCondition(errored.reason, errored.message),
    ];
  }
  return [
    availableCondition(
      "TorrentActive",
      `Torrent is active in qBittorrent (${activity(torrent.state)}, state ${torrent.state})`,
    ),
    degradedCondition("TorrentHealthy", "no errors reported"),
  ];
}
