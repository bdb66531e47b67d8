// Reads qBittorrent's answer to POST /api/v2/torrents/add across versions (pure): "Ok."/"Fails." up to
// 5.1, JSON counts (200/202) or 409 in 5.2; 400/415 and the rest become typed rejections.

import type { AddTorrentsResult } from "./api-types.js";
import {
  QbittorrentProtocolError,
  QbittorrentRejectedError,
  describeResponseBody,
  rejectionReasonForStatus,
} from "./errors.js";

const ENDPOINT = "torrents/add";

export function interpretAddTorrentsAnswer(status: number, body: string): AddTorrentsResult {
  const text = body.trim();
  if (status === 409) return { kind: "conflict", message: text };
  if (status === 200 && text === "Ok.") return { kind: "ok" };
  if (status === 200 && text === "Fails.") return { kind: "fails" };
  if ((status === 200 || status === 202) && text.startsWith("{")) return readCounts(status, text);
  if (status === 200 || status === 202) {
    throw new QbittorrentProtocolError(
      `qBittorrent answered ${ENDPOINT} with ${status} and an unknown body ${describeResponseBody(text)}`,
      { endpoint: ENDPOINT, status },
    );
  }
  throw new QbittorrentRejectedError(
    `qBittorrent refused ${ENDPOINT} with ${status}: ${describeResponseBody(text)}`,
    rejectionReasonForStatus(status),
    { endpoint: ENDPOINT, status },
  );
}

function readCounts(status: number, text: string): AddTorrentsResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new QbittorrentProtocolError(`qBittorrent answered ${ENDPOINT} with invalid JSON`, {
      endpoint: ENDPOINT,
      status,
    });
  }
  const record = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const count = (key: string): number => (typeof record[key] === "number" ? record[key] : 0);
  const ids = Array.isArray(record.added_torrent_ids)
    ? record.added_torrent_ids
        .filter((id): id is string => typeof id === "string")
        .map((id) => id.toLowerCase())
    : [];
  return {
    kind: "counts",
    status,
    successCount: count("success_count"),
    failureCount: count("failure_count"),
    pendingCount: count("pending_count"),
    addedTorrentIds: ids,
  };
}

/** True when the answer says qBittorrent accepted none of the sources. */
export function acceptedNothing(result: AddTorrentsResult): boolean {
  switch (result.kind) {
    case "ok":
      return false;
    case "fails":
    case "conflict":
      return true;
    case "counts":
      return result.successCount === 0 && result.pendingCount === 0 && result.addedTorrentIds.length === 0;
  }
}
