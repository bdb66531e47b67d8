// The Torrent controller end to end: real apiserver, each real qbittorrent-nox (4.5.2, 5.1.x, 5.3.x). Adds,
// hashes of every shape, refusals, adoption, duplicates, deletion rules, client Secrets, pause, restarts.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import {
  condition,
  core,
  createTorrent,
  custom,
  deleteTorrent,
  eventReasons,
  getTorrent,
  gone,
  startTorrentHarness,
  torrentApi,
  torrentInQbittorrent,
  waitForCondition,
  type TorrentHarness,
  testHash,
  testMagnet,
} from "./torrent-harness.js";

const hex = testHash;
const magnet = testMagnet;

for (const target of testedQbittorrents()) {
  describe(`Torrent controller with ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let harness: TorrentHarness;

    before(async () => {
      harness = await startTorrentHarness({ target });
    });

    after(async () => {
      await harness.stop();
    });

    test("a seed-shaped Torrent is added once, reported, and removed with its CR (files kept)", async (t) => {
      const namespace = await createTestNamespace(t);
      const hash = hex(0xa1);
      await createTorrent(namespace, "seed", { magnet_uri: magnet(hash.toUpperCase(), "seed") });
      const ready = await waitForCondition(namespace, "seed", "Ready", "True");
      assert.equal(ready.status?.hash, hash, "hash lowercased as qBittorrent reports it");
      assert.equal(ready.status?.state, "metaDL");
      assert.equal(ready.status?.total_size, -1);
      assert.equal(ready.status?.adopted, false);
      assert.equal(ready.status?.observedGeneration, 1);
      assert.equal(condition(ready, "Available")?.reason, "TorrentActive");
      assert.deepEqual(ready.metadata.finalizers, ["torrent.qbittorrent.io/finalizer"]);
      const info = await torrentInQbittorrent(harness.client, hash);
      assert.ok(info, "the torrent is in qBittorrent");
      assert.deepEqual(info.tags.split(", "), ["mediaplane"], "marked as added, in the batched add itself");
      await delay(2500);
      assert.equal(
        (await harness.client.torrentsInfo()).filter((x) => x.hash === hash).length,
        1,
        "never re-added",
      );
      assert.deepEqual(
        (await eventReasons(namespace, "seed")).filter((r) => r === "Normal/Added"),
        ["Normal/Added"],
      );
      await deleteTorrent(namespace, "seed");
      await gone(
        "torrent removed from qBittorrent",
        async () => !(await torrentInQbittorrent(harness.client, hash)),
      );
      await gone("Torrent CR deleted", async () => {
        try {
          await getTorrent(namespace, "seed");
          return false;
        } catch {
          return true;
        }
      });
    });

    test("base32 and v2-only magnets match what qBittorrent reports", async (t) => {
      const namespace = await createTestNamespace(t);
      await createTorrent(namespace, "b32", {
        magnet_uri: "magnet:?xt=urn:btih:HNCFKBGPL4I3XW7BEAOOU2TL6RNO4G6A&dn=b32",
      });
      const v2 = "caf1e1c30e81cb361b9ee167c4aa64228a7fa4fa9f6105232b28ad099f3a302e";
      await createTorrent(namespace, "v2", { magnet_uri: `magnet:?xt=urn:btmh:1220${v2}&dn=v2` });
      const b32 = await waitForCondition(namespace, "b32", "Ready", "True");
      assert.equal(b32.status?.hash, "3b445504cf5f11bbdbe1201cea6a6bf45aee1bc0");
      const v2only = await waitForCondition(namespace, "v2", "Ready", "True");
      assert.equal(v2only.status?.hash, v2.slice(0, 40));
      await delay(2500);
      const all = await harness.client.torrentsInfo();
      assert.equal(all.filter((x) => x.hash === v2.slice(0, 40)).length, 1, "the v2 torrent is not re-added");
    });

    test("a magnet without a valid hash is refused with InvalidMagnet and never sent to qBittorrent", async (t) => {
      const namespace = await createTestNamespace(t);
      const before = (await harness.client.torrentsInfo()).length;
      await createTorrent(namespace, "seed-example", {
        magnet_uri: "magnet:?xt=urn:btih:ubuntu-22.04-desktop-amd64.iso",
      });
      const refused = await waitForCondition(namespace, "seed-example", "Ready", "False", "InvalidMagnet");
      assert.equal(condition(refused, "Stalled")?.status, "True");
      await waitFor(
        async () => (await eventReasons(namespace, "seed-example")).includes("Warning/InvalidMagnet"),
        {
          what: "a Warning InvalidMagnet event",
        },
      );
      assert.equal((await harness.client.torrentsInfo()).length, before);
    });

    test("the API server refuses a non-magnet and any change of magnet_uri", async (t) => {
      const namespace = await createTestNamespace(t);
      await assert.rejects(
        createTorrent(namespace, "bad", { magnet_uri: "http://example.invalid/x.torrent" }),
        /magnet_uri/,
      );
      await createTorrent(namespace, "fixed", { magnet_uri: magnet(hex(0xb2)) });
      await assert.rejects(
        custom.patchNamespacedCustomObject(
          { ...torrentApi, namespace, name: "fixed", body: { spec: { magnet_uri: magnet(hex(0xb3)) } } },
          setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
        ),
        /immutable/,
      );
    });

    test("a torrent already in qBittorrent is adopted and released, not deleted", async (t) => {
      const namespace = await createTestNamespace(t);
      const hash = hex(0xc3);
      await harness.client.addTorrents({ urls: [magnet(hash, "preexisting")] });
      await waitFor(() => torrentInQbittorrent(harness.client, hash), { what: "the pre-existing torrent" });
      await createTorrent(namespace, "adopter", { magnet_uri: magnet(hash) });
      const adopted = await waitForCondition(namespace, "adopter", "Ready", "True");
      assert.equal(adopted.status?.adopted, true);
      await deleteTorrent(namespace, "adopter");
      await waitFor(async () => (await eventReasons(namespace, "adopter")).includes("Normal/Released"), {
        what: "a Released event",
      });
      await delay(1500);
      assert.ok(await torrentInQbittorrent(harness.client, hash), "still in qBittorrent");
      await harness.client.deleteTorrents([hash], false);
    });

    test("a second Torrent for the same hash is a DuplicateTorrent and never deletes it", async (t) => {
      const namespace = await createTestNamespace(t);
      const hash = hex(0xd4);
      await createTorrent(namespace, "first", { magnet_uri: magnet(hash) });
      await waitForCondition(namespace, "first", "Ready", "True");
      await createTorrent(namespace, "second", { magnet_uri: magnet(hash, "again") });
      const duplicate = await waitForCondition(namespace, "second", "Ready", "False", "DuplicateTorrent");
      assert.match(condition(duplicate, "Available")?.message ?? "", new RegExp(`${namespace}/first`));
      await deleteTorrent(namespace, "second");
      await delay(1500);
      assert.ok(
        await torrentInQbittorrent(harness.client, hash),
        "the duplicate's deletion keeps the torrent",
      );
      await deleteTorrent(namespace, "first");
      await gone(
        "the owner's deletion removes it",
        async () => !(await torrentInQbittorrent(harness.client, hash)),
      );
    });

    test("a Secret client_ref waits for the Secret and proceeds when it appears", async (t) => {
      const namespace = await createTestNamespace(t);
      const hash = hex(0xe5);
      await createTorrent(namespace, "via-secret", {
        magnet_uri: magnet(hash),
        client_ref: { kind: "Secret", name: "qbt" },
        category: "movies",
        tags: ["demo"],
      });
      await waitForCondition(namespace, "via-secret", "Available", "False", "SecretNotFound");
      await core.createNamespacedSecret({
        namespace,
        body: {
          metadata: { name: "qbt" },
          stringData: {
            url: harness.qbittorrent.url,
            username: harness.qbittorrent.username,
            password: harness.qbittorrent.password,
          },
        },
      });
      const ready = await waitForCondition(namespace, "via-secret", "Ready", "True");
      const info = await torrentInQbittorrent(harness.client, hash);
      assert.equal(info?.category, "movies");
      assert.match(info?.tags ?? "", /demo/);
      const serialized = JSON.stringify(ready) + JSON.stringify(await eventReasons(namespace, "via-secret"));
      assert.ok(!serialized.includes(harness.qbittorrent.password), "the password is in no status or event");
    });

    test("paused is converged both ways (pause/resume on 4.5, stop/start on 5.x) and shown in status", async (t) => {
      const namespace = await createTestNamespace(t);
      const hash = hex(0xf6);
      // 4.5 has only /torrents/pause (pausedDL), 5.x only /torrents/stop (stoppedDL): each state proves its endpoint.
      const stoppedState = harness.qbittorrent.version.startsWith("4.") ? "pausedDL" : "stoppedDL";
      await createTorrent(namespace, "pausable", { magnet_uri: magnet(hash), paused: true });
      await waitFor(async () => (await torrentInQbittorrent(harness.client, hash))?.state === stoppedState, {
        what: `torrent ${stoppedState} in qBittorrent`,
      });
      const paused = await waitFor(
        async () => {
          const torrent = await getTorrent(namespace, "pausable");
          return torrent.status?.state === stoppedState ? torrent : undefined;
        },
        { what: `status shows ${stoppedState}` },
      );
      assert.equal(condition(paused, "Ready")?.status, "True");
      await custom.patchNamespacedCustomObject(
        { ...torrentApi, namespace, name: "pausable", body: { spec: { paused: false } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      await waitFor(
        async () =>
          !/^(paused|stopped)/.test((await torrentInQbittorrent(harness.client, hash))?.state ?? "paused"),
        {
          what: "torrent resumed in qBittorrent",
        },
      );
      const resumed = await waitFor(
        async () => {
          const torrent = await getTorrent(namespace, "pausable");
          return torrent.status?.observedGeneration === 2 &&
            !/^(paused|stopped)/.test(torrent.status.state ?? "")
            ? torrent
            : undefined;
        },
        { what: "status shows the resumed state at generation 2" },
      );
      assert.equal(condition(resumed, "Ready")?.status, "True");
    });

    test("a steady Torrent causes no status writes", async (t) => {
      const namespace = await createTestNamespace(t);
      await createTorrent(namespace, "steady", { magnet_uri: magnet(hex(0x17)) });
      await waitForCondition(namespace, "steady", "Ready", "True");
      await delay(1500);
      const before = (await getTorrent(namespace, "steady")).metadata.resourceVersion;
      await delay(4000);
      assert.equal(
        (await getTorrent(namespace, "steady")).metadata.resourceVersion,
        before,
        "four polls, no write",
      );
    });

    test("after a qBittorrent restart the operator logs in again and keeps working", async (t) => {
      const namespace = await createTestNamespace(t);
      await createTorrent(namespace, "before-restart", { magnet_uri: magnet(hex(0x28)) });
      await waitForCondition(namespace, "before-restart", "Ready", "True");
      await harness.qbittorrent.restart();
      const hash = hex(0x29);
      await createTorrent(namespace, "after-restart", { magnet_uri: magnet(hash) });
      await waitForCondition(namespace, "after-restart", "Ready", "True");
      assert.ok(await torrentInQbittorrent(harness.client, hash));
    });
  });
}
