// Names and marks the Torrent controller owns: its finalizer, the qBittorrent tags that record which
// torrents the operator added (and for which Torrent) so it deletes only those, and the magnet's hashes.
import { InvalidMagnetError, parseMagnet, type ParsedMagnet } from "../../clients/qbittorrent/infohash.js";
import { PermanentError } from "../../framework/outcome.js";
import type { Torrent } from "../../generated/torrent.js";

export const torrentFinalizer = "torrent.qbittorrent.io/finalizer";

/** Every torrent the operator adds carries this tag. */
export const managedTag = "mediaplane";

const ownerTagPrefix = "mediaplane:";

/** The tag naming the Torrent that added a torrent, e.g. `mediaplane:media/ubuntu`. */
export function ownerTag(torrent: Pick<Torrent, "metadata">): string {
  return ownerTagOfKey(`${torrent.metadata.namespace ?? ""}/${torrent.metadata.name ?? ""}`);
}

/** The owner tag of the Torrent with this "namespace/name". */
export function ownerTagOfKey(key: string): string {
  return `${ownerTagPrefix}${key}`;
}

/** qBittorrent reports tags as "a, b": the owner key ("namespace/name") in them, if any. */
export function ownerKeyFromTags(tags: string | undefined): string | undefined {
  for (const tag of (tags ?? "").split(",")) {
    const trimmed = tag.trim();
    if (trimmed.startsWith(ownerTagPrefix)) return trimmed.slice(ownerTagPrefix.length);
  }
  return undefined;
}

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
