// The operator killed (SIGKILL, no graceful stop) while it adds 100 Torrents to each qbittorrent-nox,
// every CR deleted while it is down, then started again: nothing is left in qBittorrent, and each
// removal has its Event.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { startQbittorrent, type QbittorrentInstance } from "../../cluster/qbittorrent.js";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { QbittorrentClient } from "../../../operator/clients/qbittorrent/client.js";
import { startOperatorProcess, type OperatorProcess } from "../chart/operator-process.js";
import { createTestNamespace, testKubeconfigPath, waitFor } from "../support/cluster.js";
import {
  core,
  createTorrent,
  custom,
  deleteTorrent,
  testHash,
  testMagnet,
  torrentApi,
} from "./torrent-harness.js";

for (const target of testedQbittorrents()) {
  describe(`operator down during deletes with ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let qbittorrent: QbittorrentInstance;
    let client: QbittorrentClient;

    before(async () => {
      qbittorrent = await startQbittorrent({ target });
      client = new QbittorrentClient({
        url: qbittorrent.url,
        username: qbittorrent.username,
        password: qbittorrent.password,
        timeoutMs: 5_000,
      });
    });

    after(async () => {
      client.close();
      await qbittorrent.stop();
    });

    function operatorProcess(): OperatorProcess {
      return startOperatorProcess(testKubeconfigPath(), {
        MEDIAPLANE_LEADER_ELECTION: "false",
        MEDIAPLANE_PROBE_HOST: "127.0.0.1",
        MEDIAPLANE_PROBE_PORT: "0",
        MEDIAPLANE_LOG_FORMAT: "json",
        MEDIAPLANE_TORRENT_POLL_SECONDS: "1",
        QBITTORRENT_URL: qbittorrent.url,
        QBITTORRENT_USERNAME: qbittorrent.username,
        QBITTORRENT_PASSWORD: qbittorrent.password,
      });
    }

    test("100 Torrents deleted while the operator is down (killed mid-create) leave 0 torrents, one Event per removal", async (t) => {
      const namespace = await createTestNamespace(t);
      const count = 100;
      const hashes = Array.from({ length: count }, (_, i) => testHash(0xd0d0 + i));
      const first = operatorProcess();
      await first.waitForMessage("operator started", 60_000);
      await Promise.all(
        hashes.map((hash, i) => createTorrent(namespace, `down-${i}`, { magnet_uri: testMagnet(hash) })),
      );
      // Kill it once some, not all, torrents are in qBittorrent.
      await waitFor(async () => ((await client.torrentsInfo(hashes)).length > 0 ? true : undefined), {
        what: "the first torrents added",
        timeoutMs: 60_000,
      });
      first.kill();
      await first.stop(5_000);
      const addedBeforeKill = (await client.torrentsInfo(hashes)).map((torrent) => torrent.hash);
      t.diagnostic(`${addedBeforeKill.length}/${count} torrents in qBittorrent when the operator was killed`);

      for (let i = 0; i < count; i++) await deleteTorrent(namespace, `down-${i}`);
      await delay(500);
      assert.deepEqual(
        (await client.torrentsInfo(hashes)).map((torrent) => torrent.hash).sort(),
        [...addedBeforeKill].sort(),
        "nothing removes torrents while the operator is down",
      );

      const second = operatorProcess();
      t.after(() => second.stop(15_000));
      await waitFor(
        async () => {
          const list = (await custom.listNamespacedCustomObject({ ...torrentApi, namespace })) as {
            items: unknown[];
          };
          return list.items.length === 0 ? true : undefined;
        },
        { what: "every Torrent finalized and gone", timeoutMs: 120_000 },
      );
      const left = (await client.torrentsInfo(hashes)).map((torrent) => torrent.hash);
      assert.deepEqual(left, [], `${left.length} of ${count} torrents orphaned`);
      // Events are queued and posted after the reconcile returns (framework/events.ts): the last CR can be
      // gone before its Removed Event is written, so wait for each one instead of reading the list once.
      const expected = hashes.flatMap((hash, i) => (addedBeforeKill.includes(hash) ? [`down-${i}`] : []));
      await waitFor(
        async () => {
          const events = await core.listNamespacedEvent({ namespace });
          const removed = new Set(
            events.items
              .filter((event) => event.reason === "Removed" && event.type === "Normal")
              .map((event) => event.involvedObject.name),
          );
          const missing = expected.filter((name) => !removed.has(name));
          if (missing.length === 0) return true;
          throw new Error(`no Removed Event yet for ${missing.join(", ")}`);
        },
        { what: "a Removed Event for every torrent the first operator added", timeoutMs: 15_000 },
      );
    });
  });
}
