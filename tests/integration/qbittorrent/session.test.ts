// Authentication against each real qbittorrent-nox (4.5.2, 5.1.x, 5.3.x): wrong passwords, the backoff that
// stays below the ban threshold, re-login after expiry and restart, API keys, no secret in any log.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { QbittorrentClient } from "../../../operator/clients/qbittorrent/client.js";
import {
  QbittorrentError,
  QbittorrentUnauthorizedError,
  QbittorrentUnreachableError,
} from "../../../operator/clients/qbittorrent/errors.js";
import { LoginBackoff } from "../../../operator/clients/qbittorrent/login-backoff.js";
import { startQbittorrent } from "../../cluster/qbittorrent.js";
import type { QbittorrentInstance } from "../../cluster/qbittorrent.js";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { waitFor } from "../../cluster/polling.js";
import { rawPost } from "./raw-webui.js";
import { recordingLogger } from "./recording-logger.js";
import { versionBehaviour } from "./version-behaviour.js";
import type { VersionBehaviour } from "./version-behaviour.js";

/** A valid WebUI\APIKey: "qbt_" and 28 characters (qBittorrent ignores a key of another shape). */
const newApiKey = (): string => `qbt_${randomBytes(21).toString("base64url")}`;

for (const target of testedQbittorrents()) {
  describe(`qBittorrent session against ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let qbt: QbittorrentInstance;
    let expected: VersionBehaviour;
    const logger = recordingLogger();
    const wrongPassword = `wrong-${randomBytes(9).toString("base64url")}`;
    /** Configured as the server's WebUI\APIKey; only 5.2+ knows the setting. */
    const apiKey = newApiKey();
    /** Every error a test caught, to prove afterwards that none carries a secret. */
    const caught: unknown[] = [];
    const clients: QbittorrentClient[] = [];

    const newClient = (
      options: Partial<ConstructorParameters<typeof QbittorrentClient>[0]> = {},
    ): QbittorrentClient => {
      const client = new QbittorrentClient({
        url: qbt.url,
        username: qbt.username,
        password: qbt.password,
        timeoutMs: 5_000,
        logger,
        ...options,
      });
      clients.push(client);
      return client;
    };

    const capture = async (call: Promise<unknown>): Promise<QbittorrentError> => {
      try {
        await call;
      } catch (error) {
        caught.push(error);
        assert.ok(error instanceof QbittorrentError, `expected a QbittorrentError, got ${String(error)}`);
        return error;
      }
      assert.fail("the call was expected to fail");
    };

    /** qBittorrent's own count of failed logins for `username`, from its log. */
    const failureCounts = (username: string): number[] =>
      [
        ...qbt
          .qbittorrentLog()
          .matchAll(/invalid credentials, attempt count: (\d+), IP: [^,]+, username: (\S+)/g),
      ]
        .filter((match) => match[2] === username)
        .map((match) => Number(match[1]));

    /** A correct login outside any client: proves the IP is not banned and clears qBittorrent's count. */
    const assertNotBanned = async (): Promise<void> => {
      const answer = await rawPost(qbt, "/api/v2/auth/login", {
        username: qbt.username,
        password: qbt.password,
      });
      assert.equal(answer.status, expected.loginOk.status);
      assert.equal(
        answer.body,
        expected.loginOk.body,
        "qBittorrent still accepts the right password: no ban",
      );
    };

    before(async () => {
      qbt = await startQbittorrent({ target, extraConfig: { Preferences: { "WebUI\\APIKey": apiKey } } });
      expected = versionBehaviour(qbt.version);
    });

    after(async () => {
      for (const client of clients) client.close();
      await qbt.stop();
    });

    it("a wrong password: 3 attempts by the client's clock (5 s, 10 s apart), paused; a changed password tries once; then suspended below the ban", async () => {
      const username = "burst-user";
      let now = 0;
      const loginBackoff = new LoginBackoff({ now: () => now });
      const client = newClient({ username, password: wrongPassword, loginBackoff });

      // A busy controller calling once a (simulated) second for a minute.
      const reasons: string[] = [];
      for (let second = 0; second < 60; second += 1, now += 1_000) {
        const error = await capture(client.torrentsInfo());
        assert.ok(error instanceof QbittorrentUnauthorizedError);
        reasons.push(error.reason);
      }
      const firstFailures = reasons.flatMap((reason, second) =>
        reason === "QbittorrentLoginFailed" ? [second] : [],
      );
      assert.deepEqual(firstFailures, [0, 5, 15], "the burst: at once, after 5 s, after 10 s more");
      assert.equal(reasons.at(-1), "QbittorrentLoginSuspended", "then these credentials stop trying");
      assert.equal(
        reasons.filter((reason) => reason === "QbittorrentLoginBackoff").length,
        13,
        "the calls in between (4 s, then 9 s) failed fast, without a request",
      );
      await waitFor(() => failureCounts(username).length === 3, { what: "3 failures in qBittorrent's log" });

      // Someone changes the password (still wrong): it is tried at once, and then nothing is.
      const changed = newClient({ username, password: `${wrongPassword}-2`, loginBackoff });
      assert.equal((await capture(changed.torrentsInfo())).reason, "QbittorrentLoginFailed");
      for (const each of [client, changed, newClient({ username, password: "third", loginBackoff })]) {
        const suspended = await capture(each.torrentsInfo());
        assert.equal(suspended.reason, "QbittorrentLoginSuspended");
        assert.ok(suspended instanceof QbittorrentUnauthorizedError);
        assert.equal(suspended.retryAfterMs, undefined);
        assert.match(suspended.message, /one more failure would get this IP banned/);
      }
      await waitFor(() => failureCounts(username).length === 4, {
        what: "the 4th failure in qBittorrent's log",
      });
      assert.deepEqual(
        failureCounts(username),
        [1, 2, 3, 4],
        "qBittorrent counted 4 failures: one below its ban",
      );
      await assertNotBanned();
    });

    it("concurrent calls share one login attempt", async () => {
      await assertNotBanned(); // and clears qBittorrent's count, whatever an earlier test left
      const username = "concurrent-user";
      const wrong = newClient({ username, password: wrongPassword });
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => wrong.torrentsInfo()));
      for (const result of results) {
        assert.equal(result.status, "rejected");
        caught.push(result.reason);
        assert.ok(result.reason instanceof QbittorrentUnauthorizedError);
      }
      await waitFor(() => failureCounts(username).length === 1, { what: "one failure in qBittorrent's log" });
      await sleep(200);
      assert.deepEqual(failureCounts(username), [1], "ten calls, one login attempt");
      await assertNotBanned();

      logger.clear();
      const right = newClient();
      await Promise.all(Array.from({ length: 10 }, () => right.torrentsInfo()));
      assert.equal(logger.requests("auth/login").length, 1);
    });

    it("logs in again transparently after qbittorrent-nox restarts (403 on the old session)", async () => {
      const cookie = (
        await rawPost(qbt, "/api/v2/auth/login", { username: qbt.username, password: qbt.password })
      ).setCookie[0];
      assert.ok(
        cookie?.startsWith(`${expected.sessionCookie(qbt.port)}=`),
        `the session cookie: ${cookie?.split("=")[0]}`,
      );
      const client = newClient();
      assert.match((await client.webapiVersion()).text, expected.webapiVersion);
      await client.torrentsInfo();
      logger.clear();

      await qbt.restart();
      assert.deepEqual(await client.torrentsInfo(), []);
      assert.equal(
        logger.lines.filter(
          (line) =>
            line.message === "Unauthorized access to qbittorrent" && line.meta?.action === "logging in again",
        ).length,
        1,
      );
      assert.equal(logger.requests("auth/login").length, 1);
      const infoStatuses = logger.requests("torrents/info").map((line) => line.meta?.status);
      assert.deepEqual(infoStatuses, [403, 200], "one 403, one fresh login, one retry");

      logger.clear();
      await client.webapiVersion();
      assert.equal(
        logger.requests("app/webapiVersion").length,
        1,
        "the version is asked again after a new login",
      );
    });

    it("reports a refused connection and a timeout as QbittorrentUnreachableError, without counting login failures", async () => {
      const [closedPort] = await freeLoopbackPorts(1);
      const refused = await capture(newClient({ url: `http://127.0.0.1:${closedPort}` }).torrentsInfo());
      assert.ok(refused instanceof QbittorrentUnreachableError);
      assert.equal(refused.reason, "QbittorrentUnreachable");
      assert.equal(refused.code, "ECONNREFUSED");

      const pid = qbt.pid;
      assert.ok(pid !== undefined);
      const loginBackoff = new LoginBackoff();
      const slowClient = newClient({ timeoutMs: 300, loginBackoff });
      process.kill(pid, "SIGSTOP");
      try {
        const timedOut = await capture(slowClient.torrentsInfo());
        assert.ok(timedOut instanceof QbittorrentUnreachableError);
        assert.equal(timedOut.code, "ETIMEDOUT");
        assert.match(timedOut.message, /timed out after 300 ms/);
      } finally {
        process.kill(pid, "SIGCONT");
      }
      // The timeout counted no failure: a client sharing the ledger logs in at once once qBittorrent is back
      // (with a timeout a busy machine cannot miss: a login costs qBittorrent 100000 PBKDF2 rounds).
      assert.equal(loginBackoff.failures, 0);
      assert.deepEqual(await newClient({ timeoutMs: 30_000, loginBackoff }).torrentsInfo(), []);
      assert.equal(loginBackoff.failures, 0);
    });

    it("with an API key sends Bearer and never logs in: 5.2+ accepts WebUI\\APIKey, older versions answer 403", async () => {
      logger.clear();
      const keyed = newClient({ username: undefined, password: undefined, apiKey });
      if (expected.hasApiKey) {
        assert.deepEqual(await keyed.torrentsInfo(), []);
        assert.equal(await keyed.appVersion(), `v${qbt.version}`);
        const wrongKey = await capture(
          newClient({ username: undefined, password: undefined, apiKey: newApiKey() }).torrentsInfo(),
        );
        assert.equal(wrongKey.reason, "QbittorrentUnauthorized");
        assert.equal(wrongKey.status, 403);
        assert.match(wrongKey.message, /refused the API key/);
      } else {
        const error = await capture(keyed.torrentsInfo());
        assert.equal(error.reason, "QbittorrentUnauthorized");
        assert.equal(error.status, 403);
        assert.match(error.message, /refused the API key/);
      }
      assert.equal(logger.requests("auth/login").length, 0);
    });

    it("logs in again when the server's session expires (WebUI\\SessionTimeout), with the version's cookie name", async () => {
      const shortSessions = await startQbittorrent({
        target,
        extraConfig: { Preferences: { "WebUI\\SessionTimeout": "1" } },
      });
      const client = new QbittorrentClient({
        url: shortSessions.url,
        username: shortSessions.username,
        password: shortSessions.password,
        timeoutMs: 5_000,
        logger,
      });
      try {
        await client.torrentsInfo();
        logger.clear();
        // Waiting longer than the 1 s timeout is what expires the session; a slow machine only waits more.
        await sleep(2_500);
        assert.deepEqual(await client.torrentsInfo(), []);
        const statuses = logger.requests("torrents/info").map((line) => line.meta?.status);
        assert.deepEqual(statuses, [403, 200], "the expired session gets 403, then one fresh login");
        assert.equal(logger.requests("auth/login").length, 1);
        // The 200 above came with the session this version names SID up to 5.1, QBT_SID_<port> from 5.2.
        const cookie = (
          await rawPost(shortSessions, "/api/v2/auth/login", {
            username: shortSessions.username,
            password: shortSessions.password,
          })
        ).setCookie[0];
        assert.equal(cookie?.split("=")[0], expected.sessionCookie(shortSessions.port));
      } finally {
        client.close();
        await shortSessions.stop();
      }
    });

    it("without credentials says that qBittorrent requires a login", async () => {
      const error = await capture(newClient({ username: undefined, password: undefined }).torrentsInfo());
      assert.equal(error.reason, "QbittorrentUnauthorized");
      assert.match(error.message, /requires a login/);
    });

    it("never puts a password, API key or session cookie into a log line or an error", () => {
      assert.ok(caught.length > 20);
      assert.ok(logger.lines.length > 0);
      const texts = [
        logger.serialized(),
        ...caught.map((error) => JSON.stringify(error)),
        ...caught.map((error) => inspect(error, { depth: 10 })),
        ...caught.map((error) =>
          error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error),
        ),
        ...clients.map((client) => JSON.stringify(client)),
        ...clients.map((client) => inspect(client, { depth: 3 })),
      ];
      for (const text of texts) {
        assert.ok(!text.includes(qbt.password), "no password");
        assert.ok(!text.includes(wrongPassword), "no wrong password either");
        assert.ok(!text.includes(apiKey), "no API key");
        assert.ok(!/SID=/.test(text), "no session cookie");
      }
    });
  });
}
