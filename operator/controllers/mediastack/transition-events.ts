// One Event per condition transition (status or reason changed), so `kubectl describe mstack` tells
// the story without an Event on every reconcile; failures a person must act on are Warnings.
import { conditionTransitionEvents, type ConditionEvent } from "../../framework/condition-events.js";
import type { Condition } from "../../framework/conditions.js";
import type { ComputedCondition } from "./condition-reasons.js";

/** Reasons that need a person: a wrong reference, a broken volume, a rejected route, a stuck rollout. */
const warningReasons: ReadonlySet<string> = new Set([
  "ClaimLost",
  "VolumeFailed",
  "DittoServerNotFound",
  "RolloutStalled",
  "RouteNotAccepted",
  "RouteRefsUnresolved",
  "GatewayApiNotInstalled",
]);

/** The Events for `next` against the conditions the object had before this run (status or reason changed). */
export function transitionEvents(
  previous: readonly Condition[],
  next: readonly ComputedCondition[],
): ConditionEvent[] {
  return conditionTransitionEvents(
    previous,
    next,
    (condition) => ({
      type: warningReasons.has(condition.reason) ? "Warning" : "Normal",
      reason: condition.reason,
      message: `${condition.type}: ${condition.message}`,
    }),
    ["status", "reason"],
  );
}
