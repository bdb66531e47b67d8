// Kubernetes Events for condition transitions: the framework finds what changed since the run
// began; each controller only says which conditions are worth an Event and how to word it.
import { normalizeStatus, type Condition, type ConditionInput } from "./conditions.js";
import type { EventType } from "./events.js";

export interface ConditionEvent {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/** A controller's policy: the Event for a condition that changed, or undefined for none. */
export type ConditionAnnouncer<C extends ConditionInput> = (condition: C) => ConditionEvent | undefined;

/** The fields whose change makes a transition; message changes are left out where messages carry counts. */
export type TransitionFields = ReadonlyArray<"status" | "reason" | "message">;

/** Events for the conditions in `next` that differ from `previous` in `fields`, as `announce` words them. */
export function conditionTransitionEvents<C extends ConditionInput>(
  previous: readonly Condition[],
  next: readonly C[],
  announce: ConditionAnnouncer<C>,
  fields: TransitionFields = ["status", "reason", "message"],
): ConditionEvent[] {
  const events: ConditionEvent[] = [];
  for (const condition of next) {
    const before = previous.find((candidate) => candidate.type === condition.type);
    const now = {
      status: normalizeStatus(condition.status),
      reason: condition.reason,
      message: condition.message ?? "",
    };
    if (before && fields.every((field) => before[field] === now[field])) continue;
    const event = announce(condition);
    if (event) events.push(event);
  }
  return events;
}
