// The operator stopped while it adds 20 Torrents (at once, mid-add, after the adds) and started again,
// against each real qbittorrent-nox: no duplicate add, no orphan, every Torrent owns its own torrent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { startOperator } from "../../../operator/main.js";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { createTestNamespace } from "../support/cluster.js";
import {
  createTorrent,
  custom,
  eventReasons,
  getTorrent,
  kubeConfig,
  operatorConfig,
  startTorrentHarness,
  testHash,
  testMagnet,
  torrentApi,
  waitForCondition,
  type TorrentHarness,
} from "./torrent-harness.js";

for (const [version, target] of testedQbittorrents().entries()) {
  describe(`restart with adds pending on ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let harness: TorrentHarness;
    before(async () => {
      harness = await startTorrentHarness({ target });
    });
    after(async () => {
      await harness.stop();
    });

    for (const [round, stopAfterMs] of [0, 60, 300].entries()) {
      it(`stopped ${stopAfterMs} ms after 20 creates: no duplicate adds, no orphans`, async (t) => {
        const namespace = await createTestNamespace(t);
        const names = Array.from({ length: 20 }, (_, i) => `restart-${i}`);
        const hashOf = (i: number): string => testHash(0xe000 + version * 0x100 + round * 0x20 + i);
        await Promise.all(
          names.map((name, i) => createTorrent(namespace, name, { magnet_uri: testMagnet(hashOf(i), name) })),
        );
        await delay(stopAfterMs);
        await harness.operator.stop();
        const hashes = new Set(names.map((_, i) => hashOf(i)));
        const midway = (await harness.client.torrentsInfo()).filter((x) => hashes.has(x.hash));
        t.diagnostic(`${midway.length}/20 torrents in qBittorrent when the first operator stopped`);
        harness.operator = await startOperator(operatorConfig(harness.qbittorrent), kubeConfig);
        for (const name of names) await waitForCondition(namespace, name, "Ready", "True");

        const ours = (await harness.client.torrentsInfo()).filter((x) => hashes.has(x.hash));
        assert.equal(ours.length, 20, "exactly one torrent per Torrent");
        for (const [i, name] of names.entries()) {
          const torrent = ours.find((x) => x.hash === hashOf(i));
          assert.ok(torrent, `${name} in qBittorrent`);
          assert.ok(torrent.tags.split(", ").includes("mediaplane"), `${name}'s torrent is marked as added`);
          const cr = await getTorrent(namespace, name);
          assert.equal(cr.status?.hash, hashOf(i));
          assert.equal(cr.status?.adopted, false, `${name} is not adopted from its own earlier add`);
          const added = (await eventReasons(namespace, name)).filter((r) => r === "Normal/Added").length;
          assert.ok(added <= 1, `${name} added at most once (${added})`);
        }
        const list = (await custom.listNamespacedCustomObject({ ...torrentApi, namespace })) as {
          items: unknown[];
        };
        assert.equal(list.items.length, 20);
      });
    }
  });
}
