// How the client reads qBittorrent's version-dependent answers (Web API versions, login and
// /torrents/add replies of <= 5.1 and 5.2) and the condition reasons of its typed errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  acceptedNothing,
  interpretAddTorrentsAnswer,
} from "../../../operator/clients/qbittorrent/add-torrents-answer.js";
import {
  QbittorrentProtocolError,
  QbittorrentRejectedError,
  QbittorrentUnauthorizedError,
  QbittorrentUnreachableError,
} from "../../../operator/clients/qbittorrent/errors.js";
import { shareLimitsForm } from "../../../operator/clients/qbittorrent/client.js";
import { interpretLoginAnswer } from "../../../operator/clients/qbittorrent/login-answer.js";
import {
  addStoppedField,
  isWebapiAtLeast,
  parseWebapiVersion,
  pauseEndpoint,
  resumeEndpoint,
} from "../../../operator/clients/qbittorrent/webapi-version.js";

describe("Web API version", () => {
  it("parses the versions qBittorrent reports", () => {
    assert.deepEqual(parseWebapiVersion("2.8.19\n"), { major: 2, minor: 8, patch: 19, text: "2.8.19" });
    assert.deepEqual(parseWebapiVersion("2.11"), { major: 2, minor: 11, patch: 0, text: "2.11" });
    assert.throws(() => parseWebapiVersion("<html>"), QbittorrentProtocolError);
  });

  it("compares numerically, not as text", () => {
    assert.equal(isWebapiAtLeast(parseWebapiVersion("2.8.19"), 2, 11), false);
    assert.equal(isWebapiAtLeast(parseWebapiVersion("2.11.2"), 2, 11), true);
    assert.equal(isWebapiAtLeast(parseWebapiVersion("2.9.3"), 2, 8, 3), true);
    assert.equal(isWebapiAtLeast(parseWebapiVersion("3.0"), 2, 99), true);
  });

  it("picks pause/resume and `paused` before 2.11 (qBittorrent 5.0), stop/start and `stopped` from then on", () => {
    const cases: [string, string, string, string][] = [
      ["2.8.19", "torrents/pause", "torrents/resume", "paused"], // 4.5.2
      ["2.9.3", "torrents/pause", "torrents/resume", "paused"], // 4.6
      ["2.11.2", "torrents/stop", "torrents/start", "stopped"], // 5.0
      ["2.15.1", "torrents/stop", "torrents/start", "stopped"], // 5.2
    ];
    for (const [text, pause, resume, field] of cases) {
      const version = parseWebapiVersion(text);
      assert.equal(pauseEndpoint(version), pause, text);
      assert.equal(resumeEndpoint(version), resume, text);
      assert.equal(addStoppedField(version), field, text);
    }
  });
});

describe("login answers", () => {
  it("reads <= 5.1 bodies and 5.2 statuses", () => {
    assert.equal(interpretLoginAnswer(200, "Ok."), "ok");
    assert.equal(interpretLoginAnswer(200, "Fails."), "refused");
    assert.equal(interpretLoginAnswer(204, ""), "ok");
    assert.equal(interpretLoginAnswer(401, ""), "refused");
    // What the real 5.3.0 sends for a wrong password.
    assert.equal(interpretLoginAnswer(401, "Unauthorized"), "refused");
    assert.equal(interpretLoginAnswer(403, "Your IP address has been banned"), "banned");
    assert.equal(interpretLoginAnswer(200, "<html>"), "unexpected");
  });
});

describe("/torrents/add answers", () => {
  it("reads <= 5.1 Ok./Fails.", () => {
    assert.deepEqual(interpretAddTorrentsAnswer(200, "Ok."), { kind: "ok" });
    assert.deepEqual(interpretAddTorrentsAnswer(200, "Fails."), { kind: "fails" });
    assert.equal(acceptedNothing({ kind: "ok" }), false);
    assert.equal(acceptedNothing({ kind: "fails" }), true);
  });

  it("reads 5.2 JSON counts, 202 pending and 409 nothing added", () => {
    const counts = interpretAddTorrentsAnswer(
      200,
      '{"added_torrent_ids":["C7AB"],"failure_count":1,"pending_count":0,"success_count":1}',
    );
    assert.deepEqual(counts, {
      kind: "counts",
      status: 200,
      successCount: 1,
      failureCount: 1,
      pendingCount: 0,
      addedTorrentIds: ["c7ab"],
    });
    assert.equal(acceptedNothing(counts), false);
    const pending = interpretAddTorrentsAnswer(
      202,
      '{"added_torrent_ids":[],"failure_count":0,"pending_count":2,"success_count":0}',
    );
    assert.equal(pending.kind === "counts" && pending.pendingCount, 2);
    assert.equal(acceptedNothing(pending), false);
    const none = interpretAddTorrentsAnswer(
      200,
      '{"added_torrent_ids":[],"failure_count":2,"pending_count":0,"success_count":0}',
    );
    assert.equal(acceptedNothing(none), true);
    const conflict = interpretAddTorrentsAnswer(409, "Torrent is already present");
    assert.deepEqual(conflict, { kind: "conflict", message: "Torrent is already present" });
    assert.equal(acceptedNothing(conflict), true);
  });

  it("reads what the real 5.3.0 sends: ids of what it added, 409 Conflict for a duplicate or refused magnet", () => {
    const id = "ab".repeat(20);
    assert.deepEqual(
      interpretAddTorrentsAnswer(
        200,
        `{"added_torrent_ids":["${id}"],"failure_count":0,"pending_count":0,"success_count":1}`,
      ),
      {
        kind: "counts",
        status: 200,
        successCount: 1,
        failureCount: 0,
        pendingCount: 0,
        addedTorrentIds: [id],
      },
    );
    const conflict = interpretAddTorrentsAnswer(409, "Conflict");
    assert.deepEqual(conflict, { kind: "conflict", message: "Conflict" });
    assert.equal(acceptedNothing(conflict), true);
  });

  it("turns a bad .torrent (415) and bad parameters (400) into typed rejections", () => {
    assert.throws(
      () => interpretAddTorrentsAnswer(415, "Error: 'x.torrent' is not a valid torrent file."),
      (error: unknown) =>
        error instanceof QbittorrentRejectedError &&
        error.reason === "QbittorrentInvalidTorrentFile" &&
        error.status === 415,
    );
    assert.throws(
      () => interpretAddTorrentsAnswer(400, "bad"),
      (error: unknown) =>
        error instanceof QbittorrentRejectedError && error.reason === "QbittorrentBadRequest",
    );
    assert.throws(() => interpretAddTorrentsAnswer(200, "<html>"), QbittorrentProtocolError);
    assert.throws(() => interpretAddTorrentsAnswer(200, "{not json"), QbittorrentProtocolError);
  });
});

describe("setShareLimits form", () => {
  it("always carries shareLimitAction and shareLimitsMode (5.3 answers 400 without them)", () => {
    assert.deepEqual(shareLimitsForm(["AB", "cd"], { ratioLimit: 2, seedingTimeLimit: 60 }), {
      hashes: "ab|cd",
      ratioLimit: "2",
      seedingTimeLimit: "60",
      inactiveSeedingTimeLimit: "-2",
      shareLimitAction: "Default",
      shareLimitsMode: "Default",
    });
  });
});

describe("typed errors", () => {
  it("carry Kubernetes condition reasons and serialize only safe fields", () => {
    const unreachable = new QbittorrentUnreachableError("down", "ECONNREFUSED", {
      endpoint: "sync/maindata",
    });
    assert.equal(unreachable.reason, "QbittorrentUnreachable");
    assert.deepEqual(JSON.parse(JSON.stringify(unreachable)), {
      name: "QbittorrentUnreachableError",
      reason: "QbittorrentUnreachable",
      message: "down",
      endpoint: "sync/maindata",
      code: "ECONNREFUSED",
    });
    const banned = new QbittorrentUnauthorizedError("banned", "QbittorrentBanned", {
      status: 403,
      retryAfterMs: 5,
    });
    assert.equal(JSON.parse(JSON.stringify(banned)).retryAfterMs, 5);
    for (const error of [unreachable, banned]) assert.match(error.reason, /^[A-Z][A-Za-z]*$/);
  });
});
