// The one condition vocabulary: each controller fills a ReasonTable (condition → reason → status,
// Event, one line of docs); conditions are built from it, transition Events and docs come from it.
import { normalizeStatus, type Condition, type ConditionInput, type ConditionStatus } from "./conditions.js";
import type { EventType } from "./events.js";

export interface ReasonEntry {
  /** The condition's status whenever it carries this reason: the two cannot disagree. */
  readonly status: ConditionStatus;
  /** One line for the docs: when the reason is set and what a person does about it. */
  readonly meaning: string;
  /** Post an Event of this type when a condition takes this reason (status or reason changed). */
  readonly event?: EventType;
  /** The Event's reason, when it differs from the condition's. */
  readonly eventReason?: string;
}

/** Condition type → reason → entry. */
export type ReasonTable<C extends string = string> = {
  readonly [type in C]: Readonly<Record<string, ReasonEntry>>;
};

/** A condition as steps compute it: the framework adds lastTransitionTime and observedGeneration. */
export interface ComputedCondition<C extends string = string> extends ConditionInput {
  readonly type: C;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

export interface ConditionEvent {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/** The reasons a table allows for one condition type. */
export type ReasonOf<Table extends ReasonTable, C extends keyof Table> = keyof Table[C] & string;

/** Builds a condition whose status is the one the table gives its reason; throws on an unknown reason. */
export function conditionFrom<Table extends ReasonTable, C extends keyof Table & string>(
  table: Table,
  type: C,
  reason: ReasonOf<Table, C>,
  message: string,
): ComputedCondition<C> {
  const entry = table[type][reason];
  if (!entry) throw new Error(`unknown ${type} reason ${reason}`);
  return { type, status: entry.status, reason, message };
}

/** The condition types that carry `reason` in `table` (a failure's reason names the condition it sets). */
export function conditionsWithReason(table: ReasonTable, reason: string): string[] {
  return Object.keys(table).filter((type) => table[type]?.[reason] !== undefined);
}

/**
 * Events for the conditions in `next` whose status or reason differ from `previous`, for the reasons
 * the table announces. Messages are left out of the comparison: they may carry counts or times.
 */
export function transitionEvents(
  table: ReasonTable,
  previous: readonly Condition[],
  next: readonly Condition[],
): ConditionEvent[] {
  const events: ConditionEvent[] = [];
  for (const condition of next) {
    const before = previous.find((candidate) => candidate.type === condition.type);
    const status = normalizeStatus(condition.status);
    if (before && before.status === status && before.reason === condition.reason) continue;
    const entry = table[condition.type]?.[condition.reason];
    if (!entry?.event) continue;
    events.push({
      type: entry.event,
      reason: entry.eventReason ?? condition.reason,
      message: `${condition.type}: ${condition.message}`,
    });
  }
  return events;
}

/** The docs table of `table` (one row per reason, in table order): docs pages embed it, generated. */
export function reasonTableMarkdown(table: ReasonTable): string {
  const rows = ["| condition | status | reason | Event on transition | meaning |", "|---|---|---|---|---|"];
  for (const [type, reasons] of Object.entries(table)) {
    for (const [reason, entry] of Object.entries(reasons)) {
      const event = entry.event ? `${entry.event} \`${entry.eventReason ?? reason}\`` : "–";
      rows.push(`| ${type} | ${entry.status} | \`${reason}\` | ${event} | ${entry.meaning} |`);
    }
  }
  return rows.join("\n");
}
