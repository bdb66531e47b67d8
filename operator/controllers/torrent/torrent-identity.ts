// Names and marks the Torrent controller owns: its finalizer, the qBittorrent tag that records which
// torrents the operator added (so it deletes only those), and the magnet's hashes.
import { InvalidMagnetError, parseMagnet, type ParsedMagnet } from "../../clients/qbittorrent/infohash.js";
import { PermanentError } from "../../framework/outcome.js";

export const torrentFinalizer = "torrent.qbittorrent.io/finalizer";

/**
 * Every torrent the operator adds carries this tag, sent in the batched add itself. Which Torrent
 * manages it is recorded in that Torrent's status (torrent-ownership.ts); mediaplane 0.1 also
 * tagged `mediaplane:<namespace>/<name>`, tags that are now left alone and no longer read.
 */
export const managedTag = "mediaplane";

export function tagList(tags: string | undefined): string[] {
  return (tags ?? "")
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
}

/** The magnet's hashes; an unparsable magnet is a permanent failure (Stalled until the spec changes). */
export function parseOrRefuse(magnet: string): ParsedMagnet {
  try {
    return parseMagnet(magnet);
  } catch (error) {
    if (error instanceof InvalidMagnetError) throw new PermanentError("InvalidMagnet", error.message);
    throw error;
  }
}
