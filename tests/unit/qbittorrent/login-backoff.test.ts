// The login ledger that keeps the operator below qBittorrent's ban threshold (5 failures per IP, never
// forgotten without a success): a burst of at most 3, the full backoff, one more, then suspended.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LoginBackoff } from "../../../operator/clients/qbittorrent/login-backoff.js";
import { PollerRegistry } from "../../../operator/clients/qbittorrent/poller-registry.js";

function ledger(): { backoff: LoginBackoff; advance: (ms: number) => void } {
  let now = 1_000_000;
  const backoff = new LoginBackoff({ now: () => now });
  return { backoff, advance: (ms) => (now += ms) };
}

describe("LoginBackoff", () => {
  it("allows the first attempt and forgets failures after a success", () => {
    const { backoff, advance } = ledger();
    assert.deepEqual(backoff.beginAttempt(), { allowed: true });
    assert.equal(backoff.recordFailure(), 5_000);
    advance(5_000);
    assert.deepEqual(backoff.beginAttempt(), { allowed: true });
    backoff.recordSuccess();
    assert.equal(backoff.failures, 0);
    assert.deepEqual(backoff.beginAttempt(), { allowed: true });
  });

  it("doubles from 5 s, waits the full 10 min after a burst of 3, allows one more, then suspends", () => {
    const { backoff, advance } = ledger();
    const waits: (number | undefined)[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const decision = backoff.beginAttempt();
      assert.equal(decision.allowed, true, `attempt ${attempt} allowed`);
      const wait = backoff.recordFailure();
      waits.push(wait);
      const blocked = backoff.beginAttempt();
      assert.equal(blocked.allowed, false, `no attempt right after failure ${attempt}`);
      if (wait !== undefined) advance(wait);
    }
    assert.deepEqual(waits, [5_000, 10_000, 600_000, undefined]);
    advance(24 * 3600_000);
    const suspended = backoff.beginAttempt();
    assert.deepEqual(suspended, {
      allowed: false,
      reason: "QbittorrentLoginSuspended",
      retryAfterMs: undefined,
      failures: 4,
    });
    backoff.reset();
    assert.deepEqual(backoff.beginAttempt(), { allowed: true });
  });

  it("reports the remaining wait while backing off", () => {
    const { backoff, advance } = ledger();
    backoff.beginAttempt();
    backoff.recordFailure();
    advance(2_000);
    assert.deepEqual(backoff.beginAttempt(), {
      allowed: false,
      reason: "QbittorrentLoginBackoff",
      retryAfterMs: 3_000,
      failures: 1,
    });
  });

  it("lets only one attempt run at a time, and inconclusive attempts count nothing", () => {
    const { backoff } = ledger();
    assert.equal(backoff.beginAttempt().allowed, true);
    assert.equal(backoff.beginAttempt().allowed, false);
    backoff.recordInconclusive();
    assert.equal(backoff.failures, 0);
    assert.equal(backoff.beginAttempt().allowed, true);
  });

  it("waits the full backoff after a ban without counting a failure", () => {
    const { backoff } = ledger();
    backoff.beginAttempt();
    assert.equal(backoff.recordBanned(), 600_000);
    assert.equal(backoff.failures, 0);
    const decision = backoff.beginAttempt();
    assert.equal(decision.allowed, false);
    assert.equal(decision.allowed === false && decision.retryAfterMs, 600_000);
  });

  it("gives new credentials one attempt at once, but never past the failure limit", () => {
    const { backoff } = ledger();
    for (let i = 0; i < 3; i += 1) {
      backoff.allowNewCredentials();
      assert.deepEqual(backoff.beginAttempt(), { allowed: true });
      backoff.recordFailure();
    }
    assert.equal(backoff.beginAttempt().allowed, false, "the old credentials wait the full backoff");
    backoff.allowNewCredentials();
    assert.deepEqual(backoff.beginAttempt(), { allowed: true });
    backoff.recordFailure();
    backoff.allowNewCredentials();
    const suspended = backoff.beginAttempt();
    assert.equal(suspended.allowed === false && suspended.reason, "QbittorrentLoginSuspended");
  });

  it("refuses settings that could reach the ban threshold", () => {
    assert.throws(() => new LoginBackoff({ burstLimit: 4 }), RangeError);
    assert.throws(() => new LoginBackoff({ failureLimit: 5 }), RangeError);
    assert.throws(() => new LoginBackoff({ burstLimit: 3, failureLimit: 2 }), RangeError);
    const strict = new LoginBackoff({ burstLimit: 2, failureLimit: 2 });
    strict.beginAttempt();
    strict.recordFailure();
    strict.beginAttempt();
    assert.equal(strict.recordFailure(), undefined);
  });
});

describe("PollerRegistry.loginBackoffFor", () => {
  it("gives every client of one qBittorrent URL the same backoff, and another URL its own", () => {
    const registry = new PollerRegistry();
    const first = registry.loginBackoffFor("http://home-qbittorrent.media.svc.cluster.local:8080");
    assert.equal(registry.loginBackoffFor("http://home-qbittorrent.media.svc.cluster.local:8080/"), first);
    assert.notEqual(registry.loginBackoffFor("http://other-qbittorrent.media.svc.cluster.local:8080"), first);
  });
});
