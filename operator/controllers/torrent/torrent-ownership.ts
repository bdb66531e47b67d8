// Who manages a torrent that several Torrent CRs may name: decided from qBittorrent's tags and the
// cache alone, the same way by every CR and every replica, so one CR wins and the others only report.
import type { QbittorrentTorrent } from "../../clients/qbittorrent/api-types.js";
import { lookupHashes, parseMagnet } from "../../clients/qbittorrent/infohash.js";
import type { CacheReader } from "../../framework/context.js";
import { objectKey } from "../../framework/resource.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";
import { managedTag, ownerKeyFromTags, tagList } from "./torrent-identity.js";

export type Ownership =
  /** This CR's owner tag is on the torrent: it deletes it (files per its spec) when it goes last. */
  | { kind: "owner" }
  /** The operator added it but no live CR's owner tag is on it (a crash before tagging, a deleted owner): this CR tags it. */
  | { kind: "claim" }
  /** Not added by the operator, and this CR is the first to name it: it is released, never deleted. */
  | { kind: "adopted" }
  /** Another live CR manages it; this one only reports it. */
  | { kind: "duplicate"; of: string };

function namesHash(torrent: Torrent, hashes: ReadonlySet<string>): boolean {
  try {
    return lookupHashes(parseMagnet(torrent.spec.magnet_uri)).some((hash) => hashes.has(hash));
  } catch {
    return false;
  }
}

/** Oldest first, then by namespace/name: the order every replica computes the same way. */
function byAge(a: Torrent, b: Torrent): number {
  const age = (torrent: Torrent): number => new Date(torrent.metadata.creationTimestamp ?? 0).getTime();
  return age(a) - age(b) || objectKey(a).localeCompare(objectKey(b));
}

/**
 * The live (not deleting) Torrent CRs that name one of `hashes` on the same qBittorrent (`sameTarget`),
 * oldest first: the order in which they claim, adopt or take over a torrent.
 */
export function liveClaimants(
  cache: CacheReader,
  hashes: readonly string[],
  sameTarget: (torrent: Torrent) => boolean,
): Torrent[] {
  const wanted = new Set(hashes.map((hash) => hash.toLowerCase()));
  return cache
    .list<Torrent>(TorrentResource)
    .filter((torrent) => !torrent.metadata.deletionTimestamp && namesHash(torrent, wanted))
    .filter(sameTarget)
    .sort(byAge);
}

/** The ownership of `info` for the CR `key`, given the live claimants (this CR among them while it lives), in any order. */
export function decideOwnership(
  info: Pick<QbittorrentTorrent, "tags">,
  key: string,
  claimants: readonly Torrent[],
): Ownership {
  const owner = ownerKeyFromTags(info.tags);
  if (owner === key) return { kind: "owner" };
  const live = [...claimants].sort(byAge).map(objectKey);
  if (owner !== undefined && live.includes(owner)) return { kind: "duplicate", of: owner };
  const first = live[0] ?? key;
  const managed = owner !== undefined || tagList(info.tags).includes(managedTag);
  if (first !== key) return { kind: "duplicate", of: first };
  return managed ? { kind: "claim" } : { kind: "adopted" };
}
