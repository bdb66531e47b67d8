// A write batch is sent as soon as it holds as many writes as callers can wait on it (flushAt), not at
// the end of its window; smaller batches still wait for the window (or an explicit flush).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  TorrentWriteBatcher,
  type TorrentWriter,
} from "../../../operator/clients/qbittorrent/torrent-write-batcher.js";

function recordingWriter(): { writer: TorrentWriter; deletes: string[][] } {
  const deletes: string[][] = [];
  const writer: TorrentWriter = {
    addTorrents: () => Promise.reject(new Error("no adds in this test")),
    deleteTorrents: (hashes) => {
      deletes.push([...hashes]);
      return Promise.resolve();
    },
    torrentsInfo: () => Promise.resolve([]),
  };
  return { writer, deletes };
}

const hash = (n: number): string => String(n).repeat(40).slice(0, 40);

test("flushAt writes waiting: sent at once, in one request, long before the window ends", async () => {
  const { writer, deletes } = recordingWriter();
  // A window no test run can outlast: only flushAt can send this batch in time.
  const batcher = new TorrentWriteBatcher({
    client: writer,
    windowMs: 3_600_000,
    verifyTimeoutMs: 1_000,
    flushAt: 3,
  });
  await Promise.all([1, 2, 3].map((n) => batcher.enqueueDelete(hash(n), false)));
  assert.deepEqual(deletes, [[hash(1), hash(2), hash(3)]]);
});

test("fewer than flushAt wait for the window: nothing is sent until then (here, an explicit flush)", async () => {
  const { writer, deletes } = recordingWriter();
  const batcher = new TorrentWriteBatcher({
    client: writer,
    windowMs: 3_600_000,
    verifyTimeoutMs: 1_000,
    flushAt: 3,
  });
  const waiting = Promise.all([1, 2].map((n) => batcher.enqueueDelete(hash(n), false)));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(deletes, [], "two of three: still collecting");
  await batcher.flush();
  await waiting;
  assert.deepEqual(deletes, [[hash(1), hash(2)]]);
});
