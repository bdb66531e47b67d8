// Condition transitions become Events only when the chosen fields change and the controller's
// policy announces the condition.
import assert from "node:assert/strict";
import { test } from "node:test";
import { conditionTransitionEvents } from "../../../operator/framework/condition-events.js";
import { setCondition, type ConditionInput } from "../../../operator/framework/conditions.js";

const at = new Date("2026-01-01T00:00:00Z");
const previous = setCondition(
  [],
  { type: "Available", status: true, reason: "Up", message: "3 of 3" },
  1,
  at,
);
const announceAll = (c: ConditionInput) => ({
  type: "Normal" as const,
  reason: c.reason,
  message: c.message ?? "",
});

test("an unchanged condition posts nothing; a new or changed one posts what the policy says", () => {
  const same = { type: "Available", status: true, reason: "Up", message: "3 of 3" };
  assert.deepEqual(conditionTransitionEvents(previous, [same], announceAll), []);
  const added = { type: "Storage", status: "False" as const, reason: "Waiting", message: "for the claim" };
  assert.deepEqual(conditionTransitionEvents(previous, [same, added], announceAll), [
    { type: "Normal", reason: "Waiting", message: "for the claim" },
  ]);
  const down = { type: "Available", status: false, reason: "Down", message: "0 of 3" };
  assert.equal(
    conditionTransitionEvents(previous, [down], () => undefined).length,
    0,
    "the policy can decline",
  );
});

test("fields choose what counts as a transition (a message carrying a count can be ignored)", () => {
  const recount = { type: "Available", status: true, reason: "Up", message: "2 of 3" };
  assert.equal(conditionTransitionEvents(previous, [recount], announceAll).length, 1);
  assert.equal(conditionTransitionEvents(previous, [recount], announceAll, ["status", "reason"]).length, 0);
});
