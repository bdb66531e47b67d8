// A wrong password in a client Secret across operator restarts, against each real qbittorrent-nox: its
// failed-login count stays below its ban, Events do not repeat per retry, and the fixed Secret works at once.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startOperator } from "../../../operator/main.js";
import {
  loginLedgerKey,
  loginLedgerName,
} from "../../../operator/controllers/torrent/login-ledger-configmap.js";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { rawPost } from "../qbittorrent/raw-webui.js";
import { versionBehaviour } from "../qbittorrent/version-behaviour.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import { capturedLog } from "./captured-log.js";
import {
  condition,
  core,
  createTorrent,
  kubeConfig,
  operatorConfig,
  startTorrentHarness,
  waitForCondition,
  writeClientSecret,
  type TorrentHarness,
  testHash,
  testMagnet,
} from "./torrent-harness.js";

for (const target of testedQbittorrents()) {
  describe(`login ledger with ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    const captured = capturedLog();
    let harness: TorrentHarness;
    const ledgerNamespace = "default";
    const ledgerName = loginLedgerName("mediaplane-operator");

    before(async () => {
      harness = await startTorrentHarness({ log: captured.log, target });
    });

    after(async () => {
      await harness.stop();
    });

    /** qBittorrent's own count of failed logins, from its log: the number its ban is decided on. */
    const qbittorrentFailureCounts = (): number[] =>
      [...harness.qbittorrent.qbittorrentLog().matchAll(/invalid credentials, attempt count: (\d+)/g)].map(
        (match) => Number(match[1]),
      );

    async function ledgerValue(): Promise<string | undefined> {
      try {
        const configMap = await core.readNamespacedConfigMap({
          namespace: ledgerNamespace,
          name: ledgerName,
        });
        return configMap.data?.[loginLedgerKey(harness.qbittorrent.url)];
      } catch {
        return undefined;
      }
    }

    async function warningCount(namespace: string, name: string): Promise<number> {
      const events = await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.name=${name}`,
      });
      return events.items
        .filter((event) => event.type === "Warning")
        .reduce((sum, event) => sum + (event.count ?? 1), 0);
    }

    test("three operator restarts with a wrong password stay below the ban; the fixed Secret is tried at once", async (t) => {
      const namespace = await createTestNamespace(t);
      const wrong = "not-the-password-0815";
      await writeClientSecret(namespace, "qbt", harness.qbittorrent, wrong);
      const names = Array.from({ length: 10 }, (_, i) => `wrong-${i}`);
      await Promise.all(
        names.map((name, i) =>
          createTorrent(namespace, name, {
            magnet_uri: testMagnet(testHash(0x1ed0 + i)),
            client_ref: { kind: "Secret", name: "qbt" },
          }),
        ),
      );
      const paused = /with these credentials are paused/;
      await waitFor(
        async () => {
          const failures = (JSON.parse((await ledgerValue()) ?? "{}") as { failures?: number }).failures;
          if (failures === 3) return true;
          throw new Error(
            `the ledger holds ${failures} failure(s); qBittorrent counted ${qbittorrentFailureCounts().join(",")}`,
          );
        },
        { what: "the burst used up and recorded", timeoutMs: 90_000 },
      );
      const record = JSON.parse((await ledgerValue()) ?? "{}") as { failures?: number };
      assert.equal(record.failures, 3, "the ledger holds the 3 failures");
      assert.ok(!(await ledgerValue())?.includes(wrong), "no password in the ledger");

      for (let restart = 1; restart <= 3; restart += 1) {
        await harness.operator.stop();
        harness.operator = await startOperator(operatorConfig(harness.qbittorrent), kubeConfig, {
          log: captured.log,
        });
        // A Torrent created after the restart proves the new process consulted the ledger: it is paused at once.
        const late = `late-${restart}`;
        await createTorrent(namespace, late, {
          magnet_uri: testMagnet(testHash(0x1ee0 + restart)),
          client_ref: { kind: "Secret", name: "qbt" },
        });
        const torrent = await waitForCondition(namespace, late, "Ready", "False", "AuthenticationFailed");
        assert.match(
          condition(torrent, "Ready")?.message ?? "",
          paused,
          `restart ${restart}: paused, not retried`,
        );
      }
      const counts = qbittorrentFailureCounts();
      t.diagnostic(`qBittorrent counted failed logins: ${counts.join(", ")}`);
      assert.deepEqual(
        counts,
        [1, 2, 3],
        "no attempt after the restarts: qBittorrent's count stayed at 3 (ban at 5)",
      );
      for (const name of names) {
        assert.equal(
          await warningCount(namespace, name),
          1,
          `${name}: one Warning for one cause, not one per retry`,
        );
      }

      await writeClientSecret(namespace, "qbt", harness.qbittorrent, harness.qbittorrent.password);
      for (const name of [...names, "late-1", "late-2", "late-3"]) {
        const ready = await waitForCondition(namespace, name, "Ready", "True");
        assert.ok(ready.status?.hash, `${name} added with the fixed Secret, without a restart`);
      }
      await waitFor(async () => ((await ledgerValue()) === undefined ? true : undefined), {
        what: "the ledger record forgotten after the successful login",
      });
      assert.equal(qbittorrentFailureCounts().length, 3, "the fixed password needed no failed attempt");
      const right = await rawPost(harness.qbittorrent, "/api/v2/auth/login", {
        username: harness.qbittorrent.username,
        password: harness.qbittorrent.password,
      });
      // 200 "Ok." up to 5.1, 204 "" from 5.2; a ban would be 403.
      assert.deepEqual(
        { status: right.status, body: right.body },
        versionBehaviour(harness.qbittorrent.version).loginOk,
        "qBittorrent still accepts the right password",
      );
      assert.ok(!captured.serialized().includes(wrong), "the password is in no log line");
    });
  });
}
