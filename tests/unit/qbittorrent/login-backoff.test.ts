// The login ledger that keeps the operator below qBittorrent's ban threshold (5 failures per IP, never
// forgotten without a success): a burst of 3 per credentials, one attempt for new ones, then suspended.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LoginBackoff } from "../../../operator/clients/qbittorrent/login-backoff.js";
import type {
  LoginLedgerRecord,
  LoginLedgerStore,
} from "../../../operator/clients/qbittorrent/login-ledger.js";
import { PollerRegistry } from "../../../operator/clients/qbittorrent/poller-registry.js";

function ledger(options: { store?: LoginLedgerStore } = {}): {
  backoff: LoginBackoff;
  advance: (ms: number) => void;
} {
  let now = 1_000_000;
  const backoff = new LoginBackoff({
    now: () => now,
    ...(options.store ? { ledger: { store: options.store, url: "http://qbt:8080" } } : {}),
  });
  return { backoff, advance: (ms) => (now += ms) };
}

/** An in-memory store that also keeps every write, as the ConfigMap would. */
function memoryStore(): LoginLedgerStore & { records: Map<string, LoginLedgerRecord>; writes: number } {
  const records = new Map<string, LoginLedgerRecord>();
  const store = {
    records,
    writes: 0,
    load: (url: string) => Promise.resolve(structuredClone(records.get(url))),
    save: (url: string, record: LoginLedgerRecord | undefined) => {
      store.writes += 1;
      if (record === undefined) records.delete(url);
      else records.set(url, structuredClone(record));
      return Promise.resolve();
    },
    resetHint: () => "delete the record",
  };
  return store;
}

const refusal = (decision: ReturnType<LoginBackoff["beginAttempt"]>): string =>
  decision.allowed ? "allowed" : `${decision.reason}${decision.final ? " (final)" : ""}`;

describe("LoginBackoff", () => {
  it("allows the first attempt and forgets failures after a success", () => {
    const { backoff, advance } = ledger();
    assert.deepEqual(backoff.beginAttempt("a"), { allowed: true });
    assert.equal(backoff.recordFailure("a"), 5_000);
    advance(5_000);
    assert.deepEqual(backoff.beginAttempt("a"), { allowed: true });
    backoff.recordSuccess();
    assert.equal(backoff.failures, 0);
    assert.deepEqual(backoff.beginAttempt("a"), { allowed: true });
  });

  it("gives the same credentials a burst of 3 (5 s, then 10 s apart), then pauses them for good", () => {
    const { backoff, advance } = ledger();
    const waits: (number | undefined)[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      assert.equal(backoff.beginAttempt("old").allowed, true, `attempt ${attempt} allowed`);
      const wait = backoff.recordFailure("old");
      waits.push(wait);
      assert.equal(backoff.beginAttempt("old").allowed, false, `no attempt right after failure ${attempt}`);
      if (wait !== undefined) advance(wait);
    }
    assert.deepEqual(waits, [5_000, 10_000, undefined]);
    advance(24 * 3600_000);
    assert.deepEqual(backoff.beginAttempt("old"), {
      allowed: false,
      reason: "QbittorrentLoginSuspended",
      retryAfterMs: undefined,
      failures: 3,
      final: false,
    });
  });

  it("gives new credentials one attempt at once, and suspends everything one below the ban", () => {
    const { backoff } = ledger();
    backoff.beginAttempt("old");
    backoff.recordFailure("old");
    assert.equal(refusal(backoff.beginAttempt("old")), "QbittorrentLoginBackoff", "the old ones wait");
    assert.equal(refusal(backoff.beginAttempt("fixed")), "allowed", "a changed Secret does not wait");
    backoff.recordFailure("fixed");
    assert.equal(refusal(backoff.beginAttempt("again")), "allowed");
    backoff.recordFailure("again");
    assert.equal(refusal(backoff.beginAttempt("old")), "QbittorrentLoginSuspended");
    assert.equal(refusal(backoff.beginAttempt("last")), "allowed", "the 4th is kept for new credentials");
    backoff.recordFailure("last");
    assert.equal(backoff.failures, 4);
    assert.equal(refusal(backoff.beginAttempt("another")), "QbittorrentLoginSuspended (final)");
  });

  it("reports the remaining wait while backing off", () => {
    const { backoff, advance } = ledger();
    backoff.beginAttempt("a");
    backoff.recordFailure("a");
    advance(2_000);
    assert.deepEqual(backoff.beginAttempt("a"), {
      allowed: false,
      reason: "QbittorrentLoginBackoff",
      retryAfterMs: 3_000,
      failures: 1,
      final: false,
    });
  });

  it("lets only one attempt run at a time, and inconclusive attempts count nothing", () => {
    const { backoff } = ledger();
    assert.equal(backoff.beginAttempt("a").allowed, true);
    assert.equal(backoff.beginAttempt("b").allowed, false);
    backoff.recordInconclusive();
    assert.equal(backoff.failures, 0);
    assert.equal(backoff.beginAttempt("a").allowed, true);
  });

  it("waits the full backoff after a ban, for every credential, without counting a failure", () => {
    const { backoff } = ledger();
    backoff.beginAttempt("a");
    assert.equal(backoff.recordBanned(), 600_000);
    assert.equal(backoff.failures, 0);
    for (const credential of ["a", "new"]) {
      const decision = backoff.beginAttempt(credential);
      assert.equal(decision.allowed === false && decision.retryAfterMs, 600_000);
    }
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
    assert.equal(refusal(strict.beginAttempt("new")), "QbittorrentLoginSuspended (final)");
  });
});

describe("LoginBackoff with a ledger", () => {
  it("continues the count of an earlier process instead of starting at zero", async () => {
    const store = memoryStore();
    for (let restart = 1; restart <= 3; restart++) {
      const { backoff, advance } = ledger({ store });
      await backoff.prepare();
      for (;;) {
        const decision = backoff.beginAttempt("wrong");
        if (!decision.allowed) {
          if (decision.retryAfterMs === undefined) break;
          advance(decision.retryAfterMs);
          continue;
        }
        backoff.recordFailure("wrong");
        await backoff.saved();
      }
      assert.equal(backoff.failures, 3, `after restart ${restart}: still 3, never more`);
    }
    const record = [...store.records.values()][0];
    assert.equal(record?.failures, 3);
    assert.ok(!JSON.stringify(record).includes("wrong"), "no credential id in the record");

    const fixed = ledger({ store }).backoff;
    await fixed.prepare();
    assert.equal(
      refusal(fixed.beginAttempt("right")),
      "allowed",
      "credentials that never failed try at once",
    );
    fixed.recordSuccess();
    await fixed.saved();
    assert.equal(store.records.size, 0, "a success forgets the record");
  });

  it("writes nothing while logins succeed", async () => {
    const store = memoryStore();
    const { backoff } = ledger({ store });
    await backoff.prepare();
    backoff.beginAttempt("a");
    backoff.recordSuccess();
    await backoff.saved();
    assert.equal(store.writes, 0);
  });

  it("keeps the ban across a restart", async () => {
    const store = memoryStore();
    const first = ledger({ store }).backoff;
    await first.prepare();
    first.beginAttempt("a");
    first.recordBanned();
    await first.saved();
    const second = ledger({ store }).backoff;
    await second.prepare();
    assert.equal(refusal(second.beginAttempt("b")), "QbittorrentLoginBackoff");
  });

  it("refuses to attempt while the ledger cannot be read, and reads it again next time", async () => {
    let reads = 0;
    const store: LoginLedgerStore = {
      load: () => (++reads === 1 ? Promise.reject(new Error("forbidden")) : Promise.resolve(undefined)),
      save: () => Promise.resolve(),
      resetHint: () => "",
    };
    const { backoff } = ledger({ store });
    await assert.rejects(backoff.prepare(), /forbidden/);
    await backoff.prepare();
    assert.equal(reads, 2);
  });
});

describe("LoginBackoff with a ledger, deleted by hand", () => {
  it("hears a deleted record within 30 s while suspended, without a restart", async () => {
    const store = memoryStore();
    const { backoff, advance } = ledger({ store });
    await backoff.prepare();
    for (const credential of ["a", "b", "c", "d"]) {
      backoff.beginAttempt(credential);
      backoff.recordFailure(credential);
      await backoff.saved();
    }
    assert.equal(refusal(backoff.beginAttempt("e")), "QbittorrentLoginSuspended (final)");
    store.records.clear();
    await backoff.prepare();
    assert.equal(
      refusal(backoff.beginAttempt("e")),
      "QbittorrentLoginSuspended (final)",
      "not re-read at once",
    );
    advance(30_000);
    await backoff.prepare();
    assert.equal(backoff.failures, 0);
    assert.equal(refusal(backoff.beginAttempt("a")), "allowed");
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
