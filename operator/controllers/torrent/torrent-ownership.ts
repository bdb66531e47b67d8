// Who manages a torrent that several Torrent CRs may name, decided from the CRs alone: the one whose
// status records it (hash and `adopted` set), else the oldest live one. No qBittorrent request needed.
import type { QbittorrentTorrent } from "../../clients/qbittorrent/api-types.js";
import { lookupHashes, parseMagnet } from "../../clients/qbittorrent/infohash.js";
import type { CacheReader } from "../../framework/context.js";
import { objectKey } from "../../framework/resource.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";
import { managedTag, tagList } from "./torrent-identity.js";

export type Ownership =
  /** This CR manages a torrent the operator added: it deletes it (files per its spec) when it goes last. */
  | { kind: "owner" }
  /** The operator added it and no live CR records it (just added, a crash before the status write, a deleted owner): this CR takes it. */
  | { kind: "claim" }
  /** Not added by the operator, and this CR manages it: it is released, never deleted. */
  | { kind: "adopted" }
  /** Another live CR manages it; this one only reports it. */
  | { kind: "duplicate"; of: string };

/** The cache index of Torrents by the hashes their magnets name (lowercase). */
export const hashIndex = "magnet-hashes";

/** The index function; an unparsable magnet names nothing. */
export function magnetHashes(torrent: Torrent): readonly string[] {
  return lookupHashes(parseMagnet(torrent.spec.magnet_uri)).map((hash) => hash.toLowerCase());
}

/**
 * Whether `torrent`'s status records that it manages the torrent `hash`: it reported the hash with
 * `adopted` true (adopter) or false (owner). A duplicate reports the hash with `adopted` unset.
 */
export function recordsManaging(torrent: Torrent, hash: string): boolean {
  return torrent.status?.hash === hash.toLowerCase() && typeof torrent.status.adopted === "boolean";
}

/** Oldest first, then by namespace/name: the order every replica computes the same way. */
function byAge(a: Torrent, b: Torrent): number {
  const age = (torrent: Torrent): number => new Date(torrent.metadata.creationTimestamp ?? 0).getTime();
  return age(a) - age(b) || objectKey(a).localeCompare(objectKey(b));
}

/** Every cached Torrent naming one of `hashes`, deleting or not (through the hash index, never a scan). */
export function torrentsNaming(cache: CacheReader, hashes: readonly string[]): Torrent[] {
  const found = new Map<string, Torrent>();
  for (const hash of new Set(hashes.map((value) => value.toLowerCase()))) {
    for (const torrent of cache.byIndex<Torrent>(TorrentResource, hashIndex, hash)) {
      found.set(objectKey(torrent), torrent);
    }
  }
  return [...found.values()];
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
  return torrentsNaming(cache, hashes)
    .filter((torrent) => !torrent.metadata.deletionTimestamp)
    .filter(sameTarget)
    .sort(byAge);
}

/**
 * The ownership of `info` for the live CR `self`, among the live claimants (the cache's copy of `self`
 * among them or not: `self` itself is what this run knows, fresher than the cache). A recorded manager
 * wins, the oldest if two recorded it (one saw the other's write late: the younger yields).
 */
export function decideOwnership(
  info: Pick<QbittorrentTorrent, "hash" | "tags">,
  self: Torrent,
  claimants: readonly Torrent[],
): Ownership {
  const key = objectKey(self);
  const live = [self, ...claimants.filter((other) => objectKey(other) !== key)].sort(byAge);
  const [manager] = live.filter((torrent) => recordsManaging(torrent, info.hash));
  if (manager !== undefined) {
    if (objectKey(manager) !== key) return { kind: "duplicate", of: objectKey(manager) };
    return self.status?.adopted === true ? { kind: "adopted" } : { kind: "owner" };
  }
  const first = objectKey(live[0]);
  if (first !== key) return { kind: "duplicate", of: first };
  return tagList(info.tags).includes(managedTag) ? { kind: "claim" } : { kind: "adopted" };
}

/** Whether a deleting CR that no other live CR follows removes the torrent: the operator added it and this CR never adopted it. */
export function removesWhenLast(info: Pick<QbittorrentTorrent, "tags">, self: Torrent): boolean {
  return tagList(info.tags).includes(managedTag) && self.status?.adopted !== true;
}

/** The keys of the other Torrents naming the same torrent as `torrent`: they re-decide when its role changes. */
export function otherClaimantKeys(cache: CacheReader, torrent: Torrent): string[] {
  let hashes: readonly string[];
  try {
    hashes = magnetHashes(torrent);
  } catch {
    return [];
  }
  const key = objectKey(torrent);
  return torrentsNaming(cache, [...hashes, ...(torrent.status?.hash ? [torrent.status.hash] : [])])
    .map(objectKey)
    .filter((other) => other !== key);
}
