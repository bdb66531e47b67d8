// Brings a torrent's mutable settings (paused, category, tags, rate limits) in line with the
// Torrent spec, calling qBittorrent only for what differs from the poller's view.
import type { QbittorrentTorrent } from "../../clients/qbittorrent/api-types.js";
import type { QbittorrentClient } from "../../clients/qbittorrent/client.js";
import type { TorrentSpec } from "../../generated/torrent.js";
import { tagList } from "./torrent-identity.js";

type SettingsClient = Pick<
  QbittorrentClient,
  "pause" | "resume" | "setCategory" | "createCategory" | "addTags" | "setUploadLimit" | "setDownloadLimit"
>;

export function isPausedState(state: string): boolean {
  return /^(paused|stopped)(DL|UP)$/.test(state);
}

const unlimited = (limit: number | undefined): number => (limit === undefined || limit <= 0 ? 0 : limit);

export async function convergeSettings(
  client: SettingsClient,
  torrent: QbittorrentTorrent,
  spec: TorrentSpec,
): Promise<void> {
  const hashes = [torrent.hash];
  const paused = isPausedState(torrent.state);
  if (spec.paused === true && !paused) await client.pause(hashes);
  if (spec.paused !== true && paused) await client.resume(hashes);
  if (spec.category !== undefined && torrent.category !== spec.category) {
    await client.createCategory(spec.category, "");
    await client.setCategory(hashes, spec.category);
  }
  const present = new Set(tagList(torrent.tags));
  const missing = (spec.tags ?? []).filter((tag) => !present.has(tag));
  if (missing.length > 0) await client.addTags(hashes, missing);
  if (spec.upload_limit !== undefined && unlimited(torrent.up_limit) !== unlimited(spec.upload_limit)) {
    await client.setUploadLimit(hashes, unlimited(spec.upload_limit));
  }
  if (spec.download_limit !== undefined && unlimited(torrent.dl_limit) !== unlimited(spec.download_limit)) {
    await client.setDownloadLimit(hashes, unlimited(spec.download_limit));
  }
}
