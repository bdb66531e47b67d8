// Data safety when several Torrent CRs name one torrent, and when a Torrent is deleted right after it
// was created, on each real qbittorrent-nox: nothing is deleted while a CR names it, one CR wins a
// same-batch race with no ownership Event on the others, and a quick delete orphans nothing.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { createTinyTorrent } from "../qbittorrent/tiny-torrent-file.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import {
  condition,
  createTorrent,
  deleteTorrent,
  eventReasons,
  getTorrent,
  gone,
  startTorrentHarness,
  testHash,
  testMagnet,
  torrentInQbittorrent,
  waitForCondition,
  type TorrentHarness,
} from "./torrent-harness.js";

for (const target of testedQbittorrents()) {
  describe(`Torrent ownership with ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let harness: TorrentHarness;

    before(async () => {
      harness = await startTorrentHarness({ target });
    });

    after(async () => {
      await harness.stop();
    });

    /** RFC 4648 base32 of a 40-hex-character v1 hash: the 32-character form magnets may carry. */
    function base32OfHex(hex: string): string {
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
      const bits = [...Buffer.from(hex, "hex")].map((byte) => byte.toString(2).padStart(8, "0")).join("");
      return (bits.match(/.{5}/g) ?? []).map((chunk) => alphabet[parseInt(chunk, 2)]).join("");
    }

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

    /** The CRs among `names` whose status records that they manage `hash` (hash reported, `adopted` set). */
    async function managersOf(namespace: string, names: readonly string[], hash: string): Promise<string[]> {
      const crs = await Promise.all(names.map((name) => getTorrent(namespace, name).catch(() => undefined)));
      return crs
        .filter((cr) => cr?.status?.hash === hash && typeof cr.status.adopted === "boolean")
        .map((cr) => cr?.metadata.name ?? "");
    }

    test("four CRs for one torrent: deleting its manager keeps torrent and files, ownership passes oldest first", async (t) => {
      const namespace = await createTestNamespace(t);
      const tiny = createTinyTorrent(harness.qbittorrent.downloadDir, "shared-data.bin");
      const hash = tiny.infohashV1;
      // Added as the operator adds (its tag; plus the owner tag mediaplane 0.1 added, now ignored): every
      // CR below asks for its files on removal.
      await harness.client.addTorrents({
        torrentFiles: [{ filename: "shared.torrent", content: tiny.torrent }],
        tags: ["mediaplane", `mediaplane:${namespace}/first`],
      });
      const forms = {
        first: testMagnet(hash, "lower"),
        second: testMagnet(hash.toUpperCase(), "upper"),
        third: `magnet:?xt=urn:btih:${base32OfHex(hash)}&dn=base32`,
        fourth: `magnet:?dn=late&xt=urn:btih:${hash}`,
      };
      for (const [name, magnet] of Object.entries(forms)) {
        await createTorrent(namespace, name, { magnet_uri: magnet, delete_files_on_removal: true });
        await waitForCondition(namespace, name, "Available", name === "first" ? "True" : "False");
        // creationTimestamp has a one-second resolution: keep the age order unambiguous.
        await delay(1100);
      }
      for (const name of ["second", "third", "fourth"]) {
        assert.equal(condition(await getTorrent(namespace, name), "Available")?.reason, "DuplicateTorrent");
      }

      for (const [deleted, next] of [
        ["first", "second"],
        ["second", "third"],
        ["third", "fourth"],
      ] as const) {
        await deleteTorrent(namespace, deleted);
        await crGone(namespace, deleted);
        assert.ok(
          await torrentInQbittorrent(harness.client, hash),
          `the torrent stays after ${deleted} goes`,
        );
        assert.ok(existsSync(tiny.dataPath), `its files stay after ${deleted} goes`);
        const remaining = Object.keys(forms).filter((name) => name !== deleted);
        await waitFor(async () => (await managersOf(namespace, remaining, hash)).join() === next, {
          what: `${next} to take the torrent over, and only ${next}`,
        });
        const taken = await waitForCondition(namespace, next, "Available", "True");
        assert.equal(taken.status?.adopted, false, `${next} manages it (it deletes it when it goes last)`);
        assert.ok((await eventReasons(namespace, deleted)).includes("Normal/Released"));
        assert.ok((await eventReasons(namespace, next)).includes("Normal/OwnershipTransferred"));
      }

      await deleteTorrent(namespace, "fourth");
      await crGone(namespace, "fourth");
      assert.equal(await torrentInQbittorrent(harness.client, hash), undefined, "the last CR removes it");
      await waitFor(() => Promise.resolve(existsSync(tiny.dataPath) ? undefined : true), {
        what: "the files deleted with the last CR that asked for it",
      });
    });

    test("a same-batch race has one winner, the oldest CR, and no ownership Event on the others (20 rounds)", async (t) => {
      const rounds = 20;
      const namespaces = await Promise.all(Array.from({ length: rounds }, () => createTestNamespace(t)));
      const names = ["r-a", "r-b", "r-c", "r-d"];
      await Promise.all(
        namespaces.flatMap((namespace, round) =>
          names.map((name) =>
            createTorrent(namespace, name, { magnet_uri: testMagnet(testHash(0xe000 + round)) }),
          ),
        ),
      );
      for (const [round, namespace] of namespaces.entries()) {
        const hash = testHash(0xe000 + round);
        await waitFor(async () => (await managersOf(namespace, names, hash)).length > 0, {
          what: `round ${round} managed`,
        });
        // The rule: the oldest creationTimestamp wins, then the name (creations in one second tie).
        const crs = await Promise.all(names.map((name) => getTorrent(namespace, name)));
        const age = (name: string): number =>
          new Date(crs.find((cr) => cr.metadata.name === name)?.metadata.creationTimestamp ?? 0).getTime();
        const winner = [...names].sort((a, b) => age(a) - age(b) || a.localeCompare(b))[0] ?? "";
        for (const name of names)
          await waitForCondition(namespace, name, "Available", name === winner ? "True" : "False");
        assert.deepEqual(await managersOf(namespace, names, hash), [winner], `round ${round}: one manager`);
        for (const name of names.filter((candidate) => candidate !== winner)) {
          const reasons = await eventReasons(namespace, name);
          const ownership = reasons.filter((reason) =>
            /\/(Added|Adopted|OwnershipTransferred)$/.test(reason),
          );
          assert.deepEqual(ownership, [], `round ${round}: ${name} posted no ownership Event`);
          assert.equal(condition(await getTorrent(namespace, name), "Available")?.reason, "DuplicateTorrent");
        }
      }
    });

    test("100 Torrents each deleted 300 ms after creation leave no torrent in qBittorrent", async (t) => {
      const namespace = await createTestNamespace(t);
      const count = 100;
      const hashes = Array.from({ length: count }, (_, i) => testHash(0xf000 + i));
      await Promise.all(
        hashes.map(async (hash, i) => {
          await createTorrent(namespace, `quick-${i}`, { magnet_uri: testMagnet(hash) });
          await delay(300);
          await deleteTorrent(namespace, `quick-${i}`);
        }),
      );
      for (let i = 0; i < count; i++) await crGone(namespace, `quick-${i}`);
      // A CR leaves only after its finalizer removed what it added: nothing may be left now.
      const left = (await harness.client.torrentsInfo(hashes)).map((torrent) => torrent.hash);
      assert.deepEqual(left, [], `${left.length} of ${count} torrents orphaned`);
    });
  });
}
