// qBittorrent failures as Torrent conditions: ClientUnavailable or AuthenticationFailed, the client's
// precise reason kept in the message (never a password), and a bounded backoff.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  QbittorrentProtocolError,
  QbittorrentUnauthorizedError,
  QbittorrentUnreachableError,
} from "../../../operator/clients/qbittorrent/errors.js";
import { describeClientFailure } from "../../../operator/controllers/torrent/client-failure.js";

const where = "qBittorrent at http://qb:8080 (the operator default)";

test("unreachable and unreadable answers are ClientUnavailable, backing off 5 s doubling to 60 s", () => {
  const down = new QbittorrentUnreachableError("request failed (ECONNREFUSED)", "ECONNREFUSED");
  const first = describeClientFailure(down, where, 1);
  assert.equal(first.reason, "ClientUnavailable");
  assert.equal(first.message, `${where}: QbittorrentUnreachable: request failed (ECONNREFUSED)`);
  assert.equal(first.retryAfterMs, 5_000);
  assert.equal(describeClientFailure(down, where, 3).retryAfterMs, 20_000);
  assert.equal(describeClientFailure(down, where, 50).retryAfterMs, 60_000);
  assert.equal(describeClientFailure(new QbittorrentProtocolError("odd"), where).reason, "ClientUnavailable");
  assert.match(describeClientFailure(undefined, where).message, /not reachable yet/);
});

test("refused, banned, backed-off and suspended logins are AuthenticationFailed with the precise reason", () => {
  for (const reason of [
    "QbittorrentLoginFailed",
    "QbittorrentBanned",
    "QbittorrentLoginBackoff",
    "QbittorrentLoginSuspended",
    "QbittorrentUnauthorized",
  ] as const) {
    const failure = describeClientFailure(
      new QbittorrentUnauthorizedError(`refused for user "admin"`, reason, { retryAfterMs: 10_000 }),
      where,
    );
    assert.equal(failure.reason, "AuthenticationFailed");
    assert.ok(failure.message.includes(`${reason}: refused for user "admin"`));
  }
  const backoff = new QbittorrentUnauthorizedError("wait", "QbittorrentLoginBackoff", {
    retryAfterMs: 30_000,
  });
  assert.equal(describeClientFailure(backoff, where, 1).retryAfterMs, 30_000, "waits for the login backoff");
  const burst = new QbittorrentUnauthorizedError("wait", "QbittorrentLoginBackoff", { retryAfterMs: 5_000 });
  assert.equal(
    describeClientFailure(burst, where, 13).retryAfterMs,
    5_000,
    "the login backoff's 5 s, however many polls failed while it held logins back",
  );
  const suspended = new QbittorrentUnauthorizedError("suspended", "QbittorrentLoginSuspended");
  assert.equal(describeClientFailure(suspended, where, 1).retryAfterMs, 60_000);
});
