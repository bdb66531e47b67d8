// The framework's reason table: conditions take the table's status, transitions post the table's
// Events once per change of status or reason, and the docs table lists every reason.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setCondition, type Condition } from "../../../operator/framework/conditions.js";
import {
  conditionFrom,
  conditionsWithReason,
  reasonTableMarkdown,
  transitionEvents,
  type ReasonTable,
} from "../../../operator/framework/reasons.js";

const table = {
  Available: {
    Up: { status: "True", meaning: "serving" },
    Down: { status: "False", event: "Warning", meaning: "not serving" },
    Waiting: { status: "False", event: "Normal", eventReason: "WaitingForStorage", meaning: "waits" },
  },
  Degraded: { Down: { status: "True", meaning: "broken" } },
} as const satisfies ReasonTable;

const at = new Date("2026-01-01T00:00:00Z");
function conditions(...inputs: Array<{ type: string; reason: string; message: string }>): Condition[] {
  return inputs.reduce<Condition[]>((list, input) => {
    const [type, reason] = [input.type as "Available", input.reason as "Up"];
    return setCondition(list, conditionFrom(table, type, reason, input.message), 1, at);
  }, []);
}

test("a condition built from the table carries the table's status; an unknown reason throws", () => {
  assert.equal(conditionFrom(table, "Available", "Down", "0 of 3").status, "False");
  assert.equal(conditionFrom(table, "Degraded", "Down", "x").status, "True");
  assert.throws(() => conditionFrom(table, "Available", "Sideways" as "Up", ""), /unknown Available reason/);
  assert.deepEqual(conditionsWithReason(table, "Down"), ["Available", "Degraded"]);
});

test("Events only for announced reasons, once per change of status or reason, not of message", () => {
  const before = conditions({ type: "Available", reason: "Up", message: "3 of 3" });
  const recount = conditions({ type: "Available", reason: "Up", message: "2 of 3" });
  assert.deepEqual(transitionEvents(table, before, recount), [], "a message change is no transition");
  const down = conditions({ type: "Available", reason: "Down", message: "0 of 3" });
  assert.deepEqual(transitionEvents(table, before, down), [
    { type: "Warning", reason: "Down", message: "Available: 0 of 3" },
  ]);
  assert.deepEqual(transitionEvents(table, down, down), [], "the same state twice posts nothing");
  const waiting = conditions({ type: "Available", reason: "Waiting", message: "for the claim" });
  assert.deepEqual(transitionEvents(table, down, waiting), [
    { type: "Normal", reason: "WaitingForStorage", message: "Available: for the claim" },
  ]);
  assert.deepEqual(transitionEvents(table, down, before), [], "Up is not announced");
});

test("the docs table has one row per reason with its status and Event", () => {
  const rows = reasonTableMarkdown(table).split("\n");
  assert.equal(rows.length, 2 + 4);
  assert.ok(rows.includes("| Available | False | `Waiting` | Normal `WaitingForStorage` | waits |"));
  assert.ok(rows.includes("| Degraded | True | `Down` | – | broken |"));
});
