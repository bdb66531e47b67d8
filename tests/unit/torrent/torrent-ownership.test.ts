// Who manages a torrent that several Torrent CRs name: decided from tags and the CRs' age alone,
// so every CR (and every replica) reaches the same answer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decideOwnership } from "../../../operator/controllers/torrent/torrent-ownership.js";
import type { Torrent } from "../../../operator/generated/torrent.js";

const cr = (name: string, created: string): Torrent => ({
  apiVersion: "torrent.qbittorrent.io/v1alpha1",
  kind: "Torrent",
  metadata: { namespace: "media", name, creationTimestamp: created as unknown as Date },
  spec: { magnet_uri: "magnet:?xt=urn:btih:0000000000000000000000000000000000000001" },
});

const oldest = cr("b", "2026-01-01T00:00:00Z");
const tieFirst = cr("a", "2026-01-01T00:00:05Z");
const tieSecond = cr("c", "2026-01-01T00:00:05Z");
const claimants = [oldest, tieFirst, tieSecond];

test("an owner tag of a live CR decides; the others are duplicates of it", () => {
  const tags = { tags: "mediaplane, mediaplane:media/a" };
  assert.deepEqual(decideOwnership(tags, "media/a", claimants), { kind: "owner" });
  assert.deepEqual(decideOwnership(tags, "media/b", claimants), { kind: "duplicate", of: "media/a" });
});

test("an operator-added torrent without a live owner is claimed by the oldest claimant only", () => {
  for (const tags of ["mediaplane", "mediaplane, mediaplane:media/deleted"]) {
    assert.deepEqual(decideOwnership({ tags }, "media/b", claimants), { kind: "claim" });
    assert.deepEqual(decideOwnership({ tags }, "media/a", claimants), { kind: "duplicate", of: "media/b" });
    assert.deepEqual(decideOwnership({ tags }, "media/c", claimants), { kind: "duplicate", of: "media/b" });
  }
});

test("a torrent the operator did not add is adopted by the oldest claimant, never claimed", () => {
  assert.deepEqual(decideOwnership({ tags: "movies" }, "media/b", claimants), { kind: "adopted" });
  assert.deepEqual(decideOwnership({ tags: "" }, "media/c", claimants), { kind: "duplicate", of: "media/b" });
});

test("CRs created in the same second are ordered by name: one winner, whatever order they run in", () => {
  const pair = [tieSecond, tieFirst];
  assert.deepEqual(decideOwnership({ tags: "mediaplane" }, "media/a", pair), { kind: "claim" });
  assert.deepEqual(decideOwnership({ tags: "mediaplane" }, "media/c", pair), {
    kind: "duplicate",
    of: "media/a",
  });
});
