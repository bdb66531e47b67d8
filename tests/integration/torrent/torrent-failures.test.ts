// The Torrent controller when things fail, against each real qbittorrent-nox: qBittorrent down during a
// deletion, a wrong password in a client Secret (AuthenticationFailed, no ban). Restarts: restart-pending-adds.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { rawPost } from "../qbittorrent/raw-webui.js";
import { versionBehaviour } from "../qbittorrent/version-behaviour.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import { capturedLog } from "./captured-log.js";
import {
  condition,
  createTorrent,
  deleteTorrent,
  eventReasons,
  getTorrent,
  startTorrentHarness,
  torrentInQbittorrent,
  waitForCondition,
  writeClientSecret,
  type TorrentHarness,
  testHash,
  testMagnet,
} from "./torrent-harness.js";

const hex = testHash;
const magnet = testMagnet;

for (const target of testedQbittorrents()) {
  describe(`Torrent failures with ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    const captured = capturedLog();
    let harness: TorrentHarness;

    before(async () => {
      harness = await startTorrentHarness({ log: captured.log, target });
    });

    after(async () => {
      await harness.stop();
    });

    test("a Torrent deleted while qBittorrent is down keeps its finalizer and completes when it is back", async (t) => {
      const namespace = await createTestNamespace(t);
      const hash = hex(0xd0);
      await createTorrent(namespace, "outage", { magnet_uri: magnet(hash) });
      await waitForCondition(namespace, "outage", "Ready", "True");
      await harness.qbittorrent.stopProcess();
      try {
        const down = await waitForCondition(namespace, "outage", "Available", "Unknown", "ClientUnavailable");
        assert.equal(condition(down, "Ready")?.reason, "ClientUnavailable");
        assert.match(condition(down, "Available")?.message ?? "", /QbittorrentUnreachable/);
        await deleteTorrent(namespace, "outage");
        await delay(6_000);
        const waiting = await getTorrent(namespace, "outage");
        assert.ok(waiting.metadata.deletionTimestamp, "deletion pending");
        assert.deepEqual(waiting.metadata.finalizers, ["torrent.qbittorrent.io/finalizer"]);
        assert.ok((await eventReasons(namespace, "outage")).includes("Warning/ClientUnavailable"));
      } finally {
        await harness.qbittorrent.startProcess();
      }
      await waitFor(
        async () => {
          try {
            await getTorrent(namespace, "outage");
            return undefined;
          } catch {
            return true;
          }
        },
        { what: "the finalizer to complete after qBittorrent is back", timeoutMs: 90_000 },
      );
      assert.equal(await torrentInQbittorrent(harness.client, hash), undefined, "torrent removed");
      assert.ok(captured.withMessage("Failed to get torrents info list").length >= 1);
      assert.ok(captured.withMessage("Successfully logged into qBittorrent").length >= 2, "logged in again");
    });

    test("a wrong password gives AuthenticationFailed without a ban, and the fixed Secret converges", async (t) => {
      const namespace = await createTestNamespace(t);
      const wrong = "not-the-password-4711";
      await writeClientSecret(namespace, "qbt", harness.qbittorrent, wrong);
      const hash = hex(0xd1);
      await createTorrent(namespace, "auth", {
        magnet_uri: magnet(hash),
        client_ref: { kind: "Secret", name: "qbt" },
      });
      const failed = await waitForCondition(namespace, "auth", "Ready", "False", "AuthenticationFailed");
      const available = condition(failed, "Available");
      assert.equal(available?.status, "Unknown");
      assert.equal(available?.reason, "AuthenticationFailed");
      assert.match(available?.message ?? "", /QbittorrentLogin(Failed|Backoff)/);
      await waitFor(
        async () =>
          (await eventReasons(namespace, "auth")).includes("Warning/AuthenticationFailed") ? true : undefined,
        { what: "a Warning AuthenticationFailed Event", timeoutMs: 10_000 },
      );
      // Past the login burst (failures at 0, 5 and 15 s), then the right password must still work.
      await delay(17_000);
      const failedLogins = captured
        .withMessage("Failed to login to qBittorrent")
        .filter((line) => line.reason === "QbittorrentLoginFailed").length;
      assert.ok(
        failedLogins >= 1 && failedLogins <= 4,
        `${failedLogins} failed logins stay below the ban (5)`,
      );
      const right = await rawPost(harness.qbittorrent, "/api/v2/auth/login", {
        username: harness.qbittorrent.username,
        password: harness.qbittorrent.password,
      });
      // 200 "Ok." up to 5.1, 204 "" from 5.2; a ban would be 403.
      const { loginOk } = versionBehaviour(harness.qbittorrent.version);
      assert.deepEqual(
        { status: right.status, body: right.body },
        loginOk,
        "qBittorrent still accepts the right password",
      );
      assert.equal(
        await torrentInQbittorrent(harness.client, hash),
        undefined,
        "nothing added without a login",
      );
      const all = JSON.stringify(await getTorrent(namespace, "auth")) + captured.serialized();
      assert.ok(!all.includes(wrong), "the password is in no status and no log line");

      await writeClientSecret(namespace, "qbt", harness.qbittorrent, harness.qbittorrent.password);
      const ready = await waitForCondition(namespace, "auth", "Ready", "True");
      assert.equal(ready.status?.hash, hash);
      assert.ok(await torrentInQbittorrent(harness.client, hash));
    });
  });
}
