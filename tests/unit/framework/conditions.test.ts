// Condition math: transition times move only on real changes, order is stable, Ready derives.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  setCondition,
  sortConditions,
  summarizeReady,
  type Condition,
} from "../../../operator/framework/conditions.js";

const t0 = new Date("2026-01-01T00:00:00.123Z");
const t1 = new Date("2026-01-01T00:05:00Z");

test("lastTransitionTime is kept when nothing but the generation changes", () => {
  const first = setCondition([], { type: "Available", status: true, reason: "Up", message: "ok" }, 1, t0);
  const second = setCondition(
    first,
    { type: "Available", status: "True", reason: "Up", message: "ok" },
    2,
    t1,
  );
  assert.equal(second[0]?.lastTransitionTime, "2026-01-01T00:00:00Z");
  assert.equal(second[0]?.observedGeneration, 2);
});

test("lastTransitionTime moves when status, reason or message change", () => {
  const base = setCondition([], { type: "Available", status: true, reason: "Up", message: "ok" }, 1, t0);
  for (const change of [
    { status: false as const, reason: "Up", message: "ok" },
    { status: true as const, reason: "Other", message: "ok" },
    { status: true as const, reason: "Up", message: "different" },
  ]) {
    const next = setCondition(base, { type: "Available", ...change }, 1, t1);
    assert.equal(next[0]?.lastTransitionTime, "2026-01-01T00:05:00Z", JSON.stringify(change));
  }
});

test("conditions sort Ready first, then by type", () => {
  const make = (type: string): Condition => ({
    type,
    status: "True",
    reason: "r",
    message: "",
    lastTransitionTime: "",
  });
  assert.deepEqual(
    sortConditions([make("Zeta"), make("Available"), make("Ready")]).map((c) => c.type),
    ["Ready", "Available", "Zeta"],
  );
});

test("Ready is False with the first failing positive condition's reason", () => {
  let conditions = setCondition([], { type: "A", status: true, reason: "Fine" }, 1, t0);
  conditions = setCondition(
    conditions,
    { type: "B", status: false, reason: "Waiting", message: "for x" },
    1,
    t0,
  );
  assert.deepEqual(summarizeReady(conditions, { positive: ["A", "B"] }), {
    type: "Ready",
    status: "False",
    reason: "Waiting",
    message: "for x",
  });
});

test("Ready is False when a negative condition is True, Unknown when a positive one is missing", () => {
  let conditions = setCondition([], { type: "A", status: true, reason: "Fine" }, 1, t0);
  assert.equal(summarizeReady(conditions, { positive: ["A", "B"] }).status, "Unknown");
  conditions = setCondition(
    conditions,
    { type: "Degraded", status: true, reason: "Broken", message: "m" },
    1,
    t0,
  );
  const ready = summarizeReady(conditions, { positive: ["A"], negative: ["Degraded"] });
  assert.equal(ready.status, "False");
  assert.equal(ready.reason, "Broken");
  assert.equal(
    summarizeReady(conditions.slice(0, 1), { positive: ["A"], negative: ["Degraded"] }).status,
    "True",
  );
});
