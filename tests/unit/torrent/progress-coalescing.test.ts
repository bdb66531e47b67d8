// The progress coalescing decision: a downloading torrent writes progress at most once per interval,
// with a requeue for the remainder; other changes are written at once; a quiet torrent writes nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decideProgressWrite } from "../../../operator/controllers/torrent/progress-coalescing.js";
import type { ReportedFields } from "../../../operator/controllers/torrent/torrent-status.js";

const base: ReportedFields = {
  content_path: "/downloads/x",
  added_on: "1700000000",
  state: "downloading",
  total_size: 1000,
  name: "x",
  time_active: 100,
  amount_left: 600,
  hash: "a".repeat(40),
  progress: "40.0%",
};
const at = (progress: string, amountLeft: number, extra: Partial<ReportedFields> = {}): ReportedFields => ({
  ...base,
  progress,
  amount_left: amountLeft,
  ...extra,
});
const interval = 10_000;

test("a quiet torrent writes nothing and is not requeued", () => {
  const decision = decideProgressWrite({
    previous: base,
    next: { ...base },
    lastProgressWriteAt: 0,
    now: 1_000_000,
    intervalMs: interval,
  });
  assert.deepEqual(decision, { fields: base, writesProgress: false, requeueAfterMs: undefined });
});

test("progress within the interval is held back, with a requeue for the remainder", () => {
  const decision = decideProgressWrite({
    previous: base,
    next: at("45.0%", 550, { time_active: 103 }),
    lastProgressWriteAt: 1_000_000,
    now: 1_004_000,
    intervalMs: interval,
  });
  assert.equal(decision.writesProgress, false);
  assert.equal(decision.requeueAfterMs, 6_000);
  assert.deepEqual(decision.fields, base, "every field as before: no write");
});

test("progress is written once the interval has passed, and after a restart (no memory)", () => {
  const due = decideProgressWrite({
    previous: base,
    next: at("45.0%", 550),
    lastProgressWriteAt: 1_000_000,
    now: 1_010_000,
    intervalMs: interval,
  });
  assert.equal(due.writesProgress, true);
  assert.equal(due.requeueAfterMs, undefined);
  assert.equal(due.fields.progress, "45.0%");
  const fresh = decideProgressWrite({
    previous: base,
    next: at("45.0%", 550),
    lastProgressWriteAt: undefined,
    now: 5,
    intervalMs: interval,
  });
  assert.equal(fresh.writesProgress, true);
});

test("a state change (e.g. finished: stalledUP) is written at once with the final progress", () => {
  const decision = decideProgressWrite({
    previous: base,
    next: at("100.0%", 0, { state: "stalledUP" }),
    lastProgressWriteAt: 1_000_000,
    now: 1_001_000,
    intervalMs: interval,
  });
  assert.equal(decision.writesProgress, true);
  assert.equal(decision.fields.progress, "100.0%");
  assert.equal(decision.fields.amount_left, 0);
});

test("the first report of a new Torrent is written at once", () => {
  const decision = decideProgressWrite({
    previous: {},
    next: base,
    lastProgressWriteAt: 1_000_000,
    now: 1_000_001,
    intervalMs: interval,
  });
  assert.equal(decision.writesProgress, true);
  assert.deepEqual(decision.fields, base);
});

test("an interval of 0 writes every change", () => {
  const decision = decideProgressWrite({
    previous: base,
    next: at("40.1%", 599),
    lastProgressWriteAt: 1_000_000,
    now: 1_000_000,
    intervalMs: 0,
  });
  assert.equal(decision.writesProgress, true);
});
