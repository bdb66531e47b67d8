// The work queue's promises: per-key serialization, parallelism across keys, coalescing, delays and
// debouncing. Work is held by gates the test opens and time is node:test's mock clock: load cannot move it.
import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { WorkQueue } from "../../../operator/framework/work-queue.js";

/** Lets every ready promise callback run (setImmediate is not mocked). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

test("50 adds of one key while it runs coalesce into two runs, never concurrent", async () => {
  const release = gate();
  let runs = 0;
  let concurrent = 0;
  let maxConcurrent = 0;
  const queue = new WorkQueue(async () => {
    runs++;
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    await release.wait;
    concurrent--;
  }, 4);
  queue.resume();
  queue.add("ns/a");
  await settle();
  assert.equal(runs, 1);
  for (let i = 0; i < 49; i++) queue.add("ns/a");
  release.open();
  await settle();
  assert.equal(maxConcurrent, 1);
  assert.equal(runs, 2, "one run in flight plus one for everything that arrived meanwhile");
});

test("different keys run in parallel up to the concurrency limit", async () => {
  const release = gate();
  let concurrent = 0;
  let done = 0;
  const queue = new WorkQueue(async () => {
    concurrent++;
    await release.wait;
    concurrent--;
    done++;
  }, 3);
  queue.resume();
  for (let i = 0; i < 10; i++) queue.add(`ns/${i}`);
  await settle();
  assert.equal(concurrent, 3, "three at once, the rest wait");
  release.open();
  await settle();
  assert.equal(done, 10);
});

test("a paused queue holds work until resumed; addAfter keeps the earliest delay", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
  const seen: string[] = [];
  const queue = new WorkQueue(async (key) => {
    seen.push(key);
    await Promise.resolve();
  }, 1);
  queue.add("ns/held");
  await settle();
  assert.deepEqual(seen, []);
  queue.resume();
  await settle();
  assert.deepEqual(seen, ["ns/held"]);
  queue.addAfter("ns/later", 1000);
  queue.addAfter("ns/later", 20);
  t.mock.timers.tick(19);
  await settle();
  assert.deepEqual(seen, ["ns/held"], "not before its delay");
  t.mock.timers.tick(1);
  await settle();
  assert.deepEqual(seen, ["ns/held", "ns/later"]);
  t.mock.timers.tick(2000);
  await settle();
  assert.deepEqual(seen, ["ns/held", "ns/later"], "the later delay was replaced, not added");
});

test("shutdown waits for running work within the deadline", async () => {
  const release = gate();
  let finished = false;
  const queue = new WorkQueue(async () => {
    await release.wait;
    finished = true;
  }, 1);
  queue.resume();
  queue.add("ns/a");
  await settle();
  const drained = queue.shutdown(60_000);
  release.open();
  assert.equal(await drained, true);
  assert.equal(finished, true);
  queue.add("ns/b");
  assert.equal(queue.depth, 0);
});

test("a shutdown deadline gives up on work that does not finish", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const queue = new WorkQueue(() => new Promise<void>(() => undefined), 1);
  queue.resume();
  queue.add("ns/stuck");
  await settle();
  const drained = queue.shutdown(1000);
  t.mock.timers.tick(1000);
  assert.equal(await drained, false);
});

test("a debounced burst runs once after the quiet window, and a long burst no later than the cap", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
  const seen: Array<{ key: string; at: number }> = [];
  const queue = new WorkQueue(async (key) => {
    seen.push({ key, at: Date.now() });
    await Promise.resolve();
  }, 2);
  queue.resume();
  for (let i = 0; i < 5; i++) {
    queue.addDebounced("ns/burst", 30, 1000);
    t.mock.timers.tick(5);
  }
  // The last event came at 20 ms: the run is due at 50 ms, not a millisecond before.
  t.mock.timers.tick(24);
  await settle();
  assert.equal(seen.length, 0, "still inside the quiet window");
  t.mock.timers.tick(1);
  await settle();
  assert.deepEqual(
    seen.map((run) => run.key),
    ["ns/burst"],
    "five events, one run",
  );
  const start = Date.now();
  let ranAfter: number | undefined;
  for (let elapsed = 10; elapsed <= 150 && ranAfter === undefined; elapsed += 10) {
    queue.addDebounced("ns/endless", 40, 100);
    t.mock.timers.tick(10);
    await settle();
    if (seen.some((run) => run.key === "ns/endless")) ranAfter = Date.now() - start;
  }
  assert.equal(ranAfter, 100, "an endless burst runs at its cap, 100 ms after its first event");
});

test("depth counts due work only, not scheduled resyncs", async () => {
  const queue = new WorkQueue(() => Promise.resolve(), 1);
  queue.addAfter("ns/resync", 600_000);
  queue.add("ns/due");
  queue.addDebounced("ns/event", 100, 1000);
  assert.equal(queue.depth, 2, "the due key and the coalescing event");
  await queue.shutdown(0);
});

mock.timers.reset();
