// The work queue's promises: per-key serialization, parallelism across keys, coalescing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { WorkQueue } from "../../../operator/framework/work-queue.js";

test("50 adds of one key while it runs coalesce into two runs, never concurrent", async () => {
  let runs = 0;
  let concurrent = 0;
  let maxConcurrent = 0;
  const queue = new WorkQueue(async () => {
    runs++;
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    await delay(20);
    concurrent--;
  }, 4);
  queue.resume();
  queue.add("ns/a");
  await delay(5);
  for (let i = 0; i < 49; i++) queue.add("ns/a");
  await delay(100);
  assert.equal(maxConcurrent, 1);
  assert.equal(runs, 2, "one run in flight plus one for everything that arrived meanwhile");
});

test("different keys run in parallel up to the concurrency limit", async () => {
  let concurrent = 0;
  let maxConcurrent = 0;
  const queue = new WorkQueue(async () => {
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    await delay(20);
    concurrent--;
  }, 3);
  queue.resume();
  for (let i = 0; i < 10; i++) queue.add(`ns/${i}`);
  await delay(150);
  assert.equal(maxConcurrent, 3);
});

test("a paused queue holds work until resumed; addAfter keeps the earliest delay", async () => {
  const seen: string[] = [];
  const queue = new WorkQueue(async (key) => {
    seen.push(key);
    await Promise.resolve();
  }, 1);
  queue.add("ns/held");
  await delay(10);
  assert.deepEqual(seen, []);
  queue.resume();
  await delay(10);
  assert.deepEqual(seen, ["ns/held"]);
  queue.addAfter("ns/later", 1000);
  queue.addAfter("ns/later", 20);
  await delay(60);
  assert.deepEqual(seen, ["ns/held", "ns/later"]);
});

test("shutdown waits for running work within the deadline", async () => {
  let finished = false;
  const queue = new WorkQueue(async () => {
    await delay(30);
    finished = true;
  }, 1);
  queue.resume();
  queue.add("ns/a");
  await delay(5);
  assert.equal(await queue.shutdown(1000), true);
  assert.equal(finished, true);
  queue.add("ns/b");
  assert.equal(queue.depth, 0);
});

test("a debounced burst runs once after the quiet window, and a long burst no later than the cap", async () => {
  const seen: string[] = [];
  const queue = new WorkQueue(async (key) => {
    seen.push(key);
    await Promise.resolve();
  }, 2);
  queue.resume();
  for (let i = 0; i < 5; i++) {
    queue.addDebounced("ns/burst", 30, 1000);
    await delay(5);
  }
  await delay(80);
  assert.deepEqual(seen, ["ns/burst"], "five events, one run");
  const start = Date.now();
  let ranAt = 0;
  const capped = new WorkQueue(async () => {
    if (ranAt === 0) ranAt = Date.now();
    await Promise.resolve();
  }, 1);
  capped.resume();
  while (Date.now() - start < 150) {
    capped.addDebounced("ns/endless", 40, 100);
    await delay(10);
  }
  await delay(60);
  assert.ok(ranAt > 0 && ranAt - start <= 140, `ran ${ranAt - start} ms after the first event (cap 100)`);
});
