// Who manages a torrent that several Torrent CRs name: the CR whose status records it, else the oldest
// live one, decided from the CRs alone so every CR (and every replica) reaches the same answer.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decideOwnership,
  magnetHashes,
  recordsManaging,
  removesWhenLast,
} from "../../../operator/controllers/torrent/torrent-ownership.js";
import type { Torrent } from "../../../operator/generated/torrent.js";

const hash = "0000000000000000000000000000000000000001";

const cr = (name: string, created: string, status?: Torrent["status"]): Torrent => ({
  apiVersion: "torrent.qbittorrent.io/v1alpha1",
  kind: "Torrent",
  metadata: { namespace: "media", name, creationTimestamp: created as unknown as Date },
  spec: { magnet_uri: `magnet:?xt=urn:btih:${hash.toUpperCase()}` },
  ...(status ? { status } : {}),
});

const oldest = cr("b", "2026-01-01T00:00:00Z");
const tieFirst = cr("a", "2026-01-01T00:00:05Z");
const tieSecond = cr("c", "2026-01-01T00:00:05Z");
const claimants = [oldest, tieFirst, tieSecond];
const added = { hash, tags: "mediaplane" };

test("a live CR whose status records the torrent manages it; the others are duplicates of it", () => {
  const owner = cr("a", "2026-01-01T00:00:05Z", { hash, adopted: false });
  const all = [oldest, owner, tieSecond];
  assert.deepEqual(decideOwnership(added, owner, all), { kind: "owner" });
  assert.deepEqual(decideOwnership(added, oldest, all), { kind: "duplicate", of: "media/a" });
  assert.deepEqual(decideOwnership(added, tieSecond, all), { kind: "duplicate", of: "media/a" });
  const adopter = cr("a", "2026-01-01T00:00:05Z", { hash, adopted: true });
  assert.deepEqual(decideOwnership({ hash, tags: "" }, adopter, [oldest, adopter]), { kind: "adopted" });
});

test("the run's own status counts over the cache's older copy of the same CR", () => {
  const fresh = cr("a", "2026-01-01T00:00:05Z", { hash, adopted: false });
  assert.deepEqual(decideOwnership(added, fresh, claimants), { kind: "owner" });
});

test("two CRs that both recorded it (one saw the other's write late): the older keeps it, the younger yields", () => {
  const older = cr("b", "2026-01-01T00:00:00Z", { hash, adopted: false });
  const younger = cr("a", "2026-01-01T00:00:05Z", { hash, adopted: false });
  assert.deepEqual(decideOwnership(added, older, [older, younger]), { kind: "owner" });
  assert.deepEqual(decideOwnership(added, younger, [older, younger]), { kind: "duplicate", of: "media/b" });
});

test("an operator-added torrent no live CR records is claimed by the oldest claimant only", () => {
  for (const tags of ["mediaplane", "mediaplane, mediaplane:media/deleted"]) {
    assert.deepEqual(decideOwnership({ hash, tags }, oldest, claimants), { kind: "claim" });
    assert.deepEqual(decideOwnership({ hash, tags }, tieFirst, claimants), {
      kind: "duplicate",
      of: "media/b",
    });
    assert.deepEqual(decideOwnership({ hash, tags }, tieSecond, claimants), {
      kind: "duplicate",
      of: "media/b",
    });
  }
});

test("a torrent the operator did not add is adopted by the oldest claimant, never claimed", () => {
  assert.deepEqual(decideOwnership({ hash, tags: "movies" }, oldest, claimants), { kind: "adopted" });
  assert.deepEqual(decideOwnership({ hash, tags: "" }, tieSecond, claimants), {
    kind: "duplicate",
    of: "media/b",
  });
});

test("CRs created in the same second are ordered by name: one winner, whatever order they run in", () => {
  const pair = [tieSecond, tieFirst];
  assert.deepEqual(decideOwnership(added, tieFirst, pair), { kind: "claim" });
  assert.deepEqual(decideOwnership(added, tieSecond, pair), { kind: "duplicate", of: "media/a" });
});

test("a duplicate's status (hash without adopted) records nothing; another hash records nothing", () => {
  assert.equal(recordsManaging(cr("x", "2026-01-01T00:00:00Z", { hash }), hash), false);
  assert.equal(
    recordsManaging(cr("x", "2026-01-01T00:00:00Z", { hash, adopted: false }), hash.toUpperCase()),
    true,
  );
  assert.equal(
    recordsManaging(cr("x", "2026-01-01T00:00:00Z", { hash: "ff".repeat(20), adopted: false }), hash),
    false,
  );
});

test("the last CR removes only what the operator added and it never adopted", () => {
  assert.equal(removesWhenLast(added, oldest), true);
  assert.equal(removesWhenLast({ tags: "movies" }, oldest), false);
  assert.equal(removesWhenLast(added, cr("x", "2026-01-01T00:00:00Z", { hash, adopted: true })), false);
});

test("the hash index files a Torrent under its magnet's hashes, lowercase; a bad magnet under none", () => {
  assert.deepEqual(magnetHashes(oldest), [hash]);
  assert.throws(() => magnetHashes({ ...oldest, spec: { magnet_uri: "magnet:?dn=nothing" } }));
});
