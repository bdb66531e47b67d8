// The Torrent controller with real data, on each real qbittorrent-nox: many magnets at once in few
// /torrents/add requests, a small .torrent whose data is on disk reaching progress 1, deletion with and
// without files, the seed's logs.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { createTinyTorrent } from "../qbittorrent/tiny-torrent-file.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import { capturedLog } from "./captured-log.js";
import {
  condition,
  createTorrent,
  deleteTorrent,
  getTorrent,
  gone,
  startTorrentHarness,
  torrentInQbittorrent,
  waitForCondition,
  type TorrentHarness,
  testHash,
  testMagnet,
} from "./torrent-harness.js";

for (const target of testedQbittorrents()) {
  describe(`Torrent batches and files with ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    const captured = capturedLog();
    let harness: TorrentHarness;

    before(async () => {
      harness = await startTorrentHarness({ log: captured.log, target });
    });

    after(async () => {
      await harness.stop();
    });

    const hex = testHash;
    const magnet = testMagnet;

    async function crGone(namespace: string, name: string): Promise<void> {
      await gone(`Torrent ${namespace}/${name} deleted`, async () => {
        try {
          await getTorrent(namespace, name);
          return false;
        } catch {
          return true;
        }
      });
    }

    test("30 Torrents created together are all added, in far fewer /torrents/add requests", async (t) => {
      const namespace = await createTestNamespace(t);
      const addsBefore = captured.requests("torrents/add").length;
      const names = Array.from({ length: 30 }, (_, i) => `many-${i}`);
      await Promise.all(
        names.map((name, i) => createTorrent(namespace, name, { magnet_uri: magnet(hex(0xb000 + i)) })),
      );
      for (const name of names) await waitForCondition(namespace, name, "Ready", "True");
      const adds = captured.requests("torrents/add").length - addsBefore;
      assert.ok(adds >= 1 && adds <= 10, `30 magnets in ${adds} /torrents/add requests`);
      const all = await harness.client.torrentsInfo();
      for (let i = 0; i < 30; i += 1) {
        assert.equal(all.filter((x) => x.hash === hex(0xb000 + i)).length, 1, `torrent ${i} once`);
      }
      t.diagnostic(`30 CRs → ${adds} /torrents/add requests`);
    });

    test("a .torrent whose data is on disk reaches progress 1 (stalledUP); deleting with files removes the data", async (t) => {
      const namespace = await createTestNamespace(t);
      const tiny = createTinyTorrent(harness.qbittorrent.downloadDir, "owned-data.bin");
      // The CR takes only a magnet: add the .torrent as the operator would (its tag) first.
      await harness.client.addTorrents({
        torrentFiles: [{ filename: "owned.torrent", content: tiny.torrent }],
        tags: ["mediaplane"],
      });
      await createTorrent(namespace, "owned", {
        magnet_uri: magnet(tiny.infohashV1, "owned"),
        delete_files_on_removal: true,
      });
      const done = await waitFor(
        async () => {
          const torrent = await getTorrent(namespace, "owned");
          return torrent.status?.progress === "100.0%" && torrent.status.state === "stalledUP"
            ? torrent
            : undefined;
        },
        { what: "Torrent owned at progress 1, stalledUP", timeoutMs: 30_000 },
      );
      assert.equal(
        done.status?.adopted,
        false,
        "the operator's tag and no other claimant make it the CR's own",
      );
      assert.equal(done.status?.amount_left, 0);
      assert.equal(done.status?.total_size, 40_000);
      assert.equal(condition(done, "Ready")?.status, "True");
      assert.ok(existsSync(tiny.dataPath));
      await deleteTorrent(namespace, "owned");
      await crGone(namespace, "owned");
      assert.equal(await torrentInQbittorrent(harness.client, tiny.infohashV1), undefined);
      await waitFor(() => Promise.resolve(existsSync(tiny.dataPath) ? undefined : true), {
        what: "the data file deleted with the torrent",
        timeoutMs: 10_000,
      });
    });

    test("deleting with delete_files_on_removal false removes the torrent and keeps the data", async (t) => {
      const namespace = await createTestNamespace(t);
      const tiny = createTinyTorrent(harness.qbittorrent.downloadDir, "kept-data.bin");
      await harness.client.addTorrents({
        torrentFiles: [{ filename: "kept.torrent", content: tiny.torrent }],
        tags: ["mediaplane"],
      });
      await createTorrent(namespace, "kept", { magnet_uri: magnet(tiny.infohashV1, "kept") });
      await waitFor(
        async () => ((await getTorrent(namespace, "kept")).status?.state === "stalledUP" ? true : undefined),
        {
          what: "Torrent kept stalledUP",
          timeoutMs: 30_000,
        },
      );
      await deleteTorrent(namespace, "kept");
      await crGone(namespace, "kept");
      assert.equal(await torrentInQbittorrent(harness.client, tiny.infohashV1), undefined, "torrent removed");
      assert.ok(existsSync(tiny.dataPath), "data kept");
    });

    test("an adopted .torrent (no mediaplane tag) is released with its data even with delete_files_on_removal", async (t) => {
      const namespace = await createTestNamespace(t);
      const tiny = createTinyTorrent(harness.qbittorrent.downloadDir, "adopted-data.bin");
      await harness.client.addTorrents({
        torrentFiles: [{ filename: "adopted.torrent", content: tiny.torrent }],
      });
      await createTorrent(namespace, "adopted", {
        magnet_uri: magnet(tiny.infohashV1, "adopted"),
        delete_files_on_removal: true,
      });
      const ready = await waitForCondition(namespace, "adopted", "Ready", "True");
      assert.equal(ready.status?.adopted, true);
      await deleteTorrent(namespace, "adopted");
      await crGone(namespace, "adopted");
      assert.ok(await torrentInQbittorrent(harness.client, tiny.infohashV1), "still in qBittorrent");
      assert.ok(existsSync(tiny.dataPath), "data kept");
    });

    test("the seed's log lines appear, without the password", () => {
      assert.ok(captured.withMessage("Successfully logged into qBittorrent").length >= 1);
      const completed = captured.withMessage("Torrent reconciliation completed");
      assert.ok(completed.some((line) => line.level === "info" && typeof line.object === "string"));
      assert.ok(!captured.serialized().includes(harness.qbittorrent.password), "no password in any log line");
    });
  });
}
