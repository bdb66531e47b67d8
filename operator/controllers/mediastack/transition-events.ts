// One Event per condition transition (status or reason changed), so `kubectl describe mstack` tells
// the story without an Event on every reconcile; failures a person must act on are Warnings.
import type { Condition } from "../../framework/conditions.js";
import type { EventType } from "../../framework/events.js";
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

export interface TransitionEvent {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/** The Events for `next` against the conditions the object had before this run. */
export function transitionEvents(
  previous: readonly Condition[],
  next: readonly ComputedCondition[],
): TransitionEvent[] {
  const events: TransitionEvent[] = [];
  for (const condition of next) {
    const before = previous.find((c) => c.type === condition.type);
    if (before && before.status === condition.status && before.reason === condition.reason) continue;
    const type: EventType = warningReasons.has(condition.reason) ? "Warning" : "Normal";
    events.push({ type, reason: condition.reason, message: `${condition.type}: ${condition.message}` });
  }
  return events;
}
