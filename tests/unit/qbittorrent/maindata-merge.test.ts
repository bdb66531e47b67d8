// The maindata merge against answers recorded from qbittorrent-nox 4.5.2 (fixtures/maindata-4.5.2:
// add two magnets, pause one, delete one and add another, an empty tick, a restart).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { MaindataResponse } from "../../../operator/clients/qbittorrent/api-types.js";
import { emptyMaindataState, mergeMaindata } from "../../../operator/clients/qbittorrent/maindata-merge.js";

function fixture(name: string): MaindataResponse {
  const url = new URL(`fixtures/maindata-4.5.2/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as MaindataResponse;
}

const V1 = "aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11";
const HYBRID = "cc33cc33cc33cc33cc33cc33cc33cc33cc33cc33";
const THIRD = "dd44dd44dd44dd44dd44dd44dd44dd44dd44dd44";

describe("mergeMaindata", () => {
  const full = mergeMaindata(emptyMaindataState, fixture("01-full-update.json"));
  const paused = mergeMaindata(full.state, fixture("02-partial-paused.json"));
  const removedAndAdded = mergeMaindata(paused.state, fixture("03-partial-removed-and-added.json"));
  const quiet = mergeMaindata(removedAndAdded.state, fixture("04-partial-nothing-changed.json"));

  it("takes a full update as the whole picture, adding `hash` to each entry", () => {
    assert.equal(full.fullUpdate, true);
    assert.equal(full.state.rid, 1);
    assert.deepEqual([...full.state.torrents.keys()].sort(), [V1, HYBRID]);
    assert.deepEqual(full.changed.sort(), [V1, HYBRID]);
    assert.deepEqual(full.removed, []);
    const hybrid = full.state.torrents.get(HYBRID);
    assert.equal(hybrid?.hash, HYBRID);
    assert.equal(hybrid?.infohash_v1, "bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22");
    assert.equal(hybrid?.infohash_v2, "cc33".repeat(16));
    assert.equal(hybrid?.state, "metaDL");
    assert.equal(hybrid?.total_size, -1);
    assert.deepEqual([...full.state.tags], ["mediaplane"]);
  });

  it("applies only the changed fields of a partial update and keeps the rest", () => {
    assert.equal(paused.fullUpdate, false);
    assert.equal(paused.state.rid, 2);
    assert.deepEqual(paused.changed.sort(), [V1, HYBRID]);
    const first = paused.state.torrents.get(V1);
    assert.equal(first?.state, "pausedDL");
    assert.equal(first?.name, "first torrent");
    assert.equal(first?.magnet_uri, full.state.torrents.get(V1)?.magnet_uri);
    assert.equal(paused.state.torrents.get(HYBRID)?.time_active, 1);
  });

  it("never mutates the previous state", () => {
    assert.equal(full.state.torrents.get(V1)?.state, "metaDL");
    assert.notEqual(paused.state.torrents, full.state.torrents);
  });

  it("drops torrents_removed and adds new torrents", () => {
    assert.deepEqual(removedAndAdded.removed, [HYBRID]);
    assert.deepEqual(removedAndAdded.changed, [THIRD]);
    assert.deepEqual([...removedAndAdded.state.torrents.keys()].sort(), [V1, THIRD]);
    assert.equal(removedAndAdded.state.torrents.get(THIRD)?.name, "third");
  });

  it("reports nothing and keeps the same map for an empty tick", () => {
    assert.deepEqual(quiet.changed, []);
    assert.deepEqual(quiet.removed, []);
    assert.equal(quiet.state.torrents, removedAndAdded.state.torrents);
    assert.equal(quiet.state.rid, 4);
  });

  it("resets on a full update after a restart and reports only torrents that differ", () => {
    const restart = fixture("05-full-update-after-restart.json");
    const after = mergeMaindata(quiet.state, restart);
    assert.equal(after.fullUpdate, true);
    assert.equal(after.state.rid, 1);
    assert.deepEqual([...after.state.torrents.keys()].sort(), [V1, THIRD]);
    for (const hash of [V1, THIRD]) {
      const before = quiet.state.torrents.get(hash);
      const now = after.state.torrents.get(hash);
      const differs = JSON.stringify(before) !== JSON.stringify(now);
      assert.equal(after.changed.includes(hash), differs, `${hash} reported iff its fields differ`);
      if (!differs) assert.equal(now, before, "an unchanged torrent keeps its object");
    }
  });

  it("reports a torrent missing from a full update as removed", () => {
    const onlyThird: MaindataResponse = {
      rid: 9,
      full_update: true,
      torrents: { [THIRD]: { ...quiet.state.torrents.get(THIRD) } },
    };
    const after = mergeMaindata(quiet.state, onlyThird);
    assert.deepEqual(after.removed, [V1]);
    assert.deepEqual(after.changed, []);
  });

  it("ignores a partial entry whose values equal the known ones and removals of unknown hashes", () => {
    const same: MaindataResponse = {
      rid: 5,
      torrents: { [V1]: { state: "pausedDL" } },
      torrents_removed: ["ffffffffffffffffffffffffffffffffffffffff"],
    };
    const after = mergeMaindata(quiet.state, same);
    assert.deepEqual(after.changed, []);
    assert.deepEqual(after.removed, []);
  });

  it("merges categories, tags and server_state incrementally", () => {
    const step: MaindataResponse = {
      rid: 5,
      categories: { movies: { name: "movies", savePath: "/data/movies" } },
      tags: ["extra"],
      tags_removed: ["mediaplane"],
      server_state: { dl_info_speed: 5 },
    };
    const after = mergeMaindata(quiet.state, step);
    assert.deepEqual([...after.state.categories.keys()], ["movies"]);
    assert.deepEqual([...after.state.tags], ["extra"]);
    assert.equal(after.state.serverState.dl_info_speed, 5);
    assert.equal(after.state.serverState.connection_status, quiet.state.serverState.connection_status);
    const removed = mergeMaindata(after.state, { rid: 6, categories_removed: ["movies"] });
    assert.equal(removed.state.categories.size, 0);
  });
});
