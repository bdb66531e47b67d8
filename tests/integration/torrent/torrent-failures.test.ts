// The Torrent controller when things fail: qBittorrent down during a deletion, a wrong password in a
// client Secret (AuthenticationFailed, no ban), and the operator restarted while adds are pending.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { startOperator } from "../../../operator/main.js";
import { rawPost } from "../qbittorrent/raw-webui.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import { capturedLog } from "./captured-log.js";
import {
  condition,
  core,
  createTorrent,
  custom,
  deleteTorrent,
  eventReasons,
  getTorrent,
  kubeConfig,
  operatorConfig,
  startTorrentHarness,
  torrentApi,
  torrentInQbittorrent,
  waitForCondition,
  type TorrentHarness,
  testHash,
  testMagnet,
} from "./torrent-harness.js";

const captured = capturedLog();
let harness: TorrentHarness;

before(async () => {
  harness = await startTorrentHarness({ log: captured.log });
});

after(async () => {
  await harness.stop();
});

const hex = testHash;
const magnet = testMagnet;

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
  const secret = (password: string): Record<string, string> => ({
    url: harness.qbittorrent.url,
    username: harness.qbittorrent.username,
    password,
  });
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: "qbt" }, stringData: secret(wrong) },
  });
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
  assert.ok(failedLogins >= 1 && failedLogins <= 4, `${failedLogins} failed logins stay below the ban (5)`);
  const right = await rawPost(harness.qbittorrent, "/api/v2/auth/login", {
    username: harness.qbittorrent.username,
    password: harness.qbittorrent.password,
  });
  assert.equal(right.body, "Ok.", "qBittorrent still accepts the right password");
  assert.equal(await torrentInQbittorrent(harness.client, hash), undefined, "nothing added without a login");
  const all = JSON.stringify(await getTorrent(namespace, "auth")) + captured.serialized();
  assert.ok(!all.includes(wrong), "the password is in no status and no log line");

  await core.replaceNamespacedSecret({
    name: "qbt",
    namespace,
    body: { metadata: { name: "qbt" }, stringData: secret(harness.qbittorrent.password) },
  });
  const ready = await waitForCondition(namespace, "auth", "Ready", "True");
  assert.equal(ready.status?.hash, hash);
  assert.ok(await torrentInQbittorrent(harness.client, hash));
});

test("the operator stopped while adds are pending and started again: no duplicate adds, no orphans", async (t) => {
  const namespace = await createTestNamespace(t);
  const names = Array.from({ length: 20 }, (_, i) => `restart-${i}`);
  const hashOf = (i: number): string => hex(0xe000 + i);
  await Promise.all(
    names.map((name, i) => createTorrent(namespace, name, { magnet_uri: magnet(hashOf(i), name) })),
  );
  await delay(300);
  await harness.operator.stop();
  const midway = (await harness.client.torrentsInfo()).filter((x) =>
    x.tags.includes(`mediaplane:${namespace}/`),
  );
  t.diagnostic(`${midway.length}/20 torrents in qBittorrent when the first operator stopped`);
  harness.operator = await startOperator(operatorConfig(harness.qbittorrent), kubeConfig, {
    log: captured.log,
  });
  for (const name of names) await waitForCondition(namespace, name, "Ready", "True");

  const ours = (await harness.client.torrentsInfo()).filter((x) =>
    x.tags.includes(`mediaplane:${namespace}/`),
  );
  assert.equal(ours.length, 20, "exactly one torrent per Torrent");
  for (const [i, name] of names.entries()) {
    const torrent = ours.find((x) => x.hash === hashOf(i));
    assert.ok(torrent, `${name} in qBittorrent`);
    assert.ok(
      torrent.tags.split(", ").includes(`mediaplane:${namespace}/${name}`),
      `${name} owns its torrent`,
    );
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
