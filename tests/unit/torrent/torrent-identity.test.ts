// The managed tag list and the hash index that routes poller changes to Torrent keys.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tagList } from "../../../operator/controllers/torrent/torrent-identity.js";
import { TorrentIndex } from "../../../operator/controllers/torrent/torrent-index.js";
import { isPausedState } from "../../../operator/controllers/torrent/converge-settings.js";

test("qBittorrent's comma-and-space tag list is split into tags", () => {
  assert.deepEqual(tagList("a, b,,c "), ["a", "b", "c"]);
});

test("the index maps hashes of one instance to keys and forgets moved keys", () => {
  const index = new TorrentIndex();
  index.track("ns/a", "qbt1", ["h1"]);
  index.track("ns/b", "qbt1", ["h1", "h2"]);
  index.track("ns/c", "qbt2", ["h1"]);
  assert.deepEqual(index.keysFor("qbt1", ["H1"]).sort(), ["ns/a", "ns/b"]);
  assert.deepEqual(index.allKeys("qbt2"), ["ns/c"]);
  index.track("ns/b", "qbt2", ["h2"]);
  assert.deepEqual(index.keysFor("qbt1", ["h2"]), []);
  assert.deepEqual(index.keysFor("qbt2", ["h2"]), ["ns/b"]);
  index.forget("ns/a");
  assert.deepEqual(index.keysFor("qbt1", ["h1"]), []);
});

test("paused and stopped states of qBittorrent 4 and 5 count as paused", () => {
  for (const state of ["pausedDL", "pausedUP", "stoppedDL", "stoppedUP"])
    assert.equal(isPausedState(state), true);
  for (const state of ["downloading", "metaDL", "stalledUP"]) assert.equal(isPausedState(state), false);
});
