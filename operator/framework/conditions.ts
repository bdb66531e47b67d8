// Condition math shared by every controller: lastTransitionTime moves only when status,
// reason or message change, conditions stay sorted, and Ready is derived, never set by hand.

export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ConditionInput {
  type: string;
  status: ConditionStatus | boolean;
  reason: string;
  message?: string;
}

/** Which conditions Ready summarizes: positive ones must be True, negative ones must not be. */
export interface ReadyPolicy {
  positive: readonly string[];
  negative?: readonly string[];
}

/** A fixed ReadyPolicy, or a function of the object when the summarized conditions depend on its spec. */
export type ReadyPolicySource<T> = ReadyPolicy | ((object: T) => ReadyPolicy);

/** The policy `source` gives for `object`. */
export function resolveReadyPolicy<T>(source: ReadyPolicySource<T>, object: T): ReadyPolicy {
  return typeof source === "function" ? source(object) : source;
}

export const READY = "Ready";
export const STALLED = "Stalled";
export const RECONCILING = "Reconciling";
/** Set by a finalize that has to wait; while deleting, Ready repeats its reason and message. */
export const FINALIZING = "Finalizing";

export function normalizeStatus(status: ConditionStatus | boolean): ConditionStatus {
  return status === true ? "True" : status === false ? "False" : status;
}

/** Returns `conditions` with `input` set; an unchanged condition keeps its lastTransitionTime. */
export function setCondition(
  conditions: readonly Condition[],
  input: ConditionInput,
  generation: number | undefined,
  now: Date,
): Condition[] {
  const status = normalizeStatus(input.status);
  const message = input.message ?? "";
  const existing = conditions.find((condition) => condition.type === input.type);
  const unchanged =
    existing !== undefined &&
    existing.status === status &&
    existing.reason === input.reason &&
    existing.message === message;
  const next: Condition = {
    type: input.type,
    status,
    reason: input.reason,
    message,
    lastTransitionTime: unchanged ? existing.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
  return sortConditions([...conditions.filter((condition) => condition.type !== input.type), next]);
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** Ready first, then alphabetical: stable output means no status writes from reordering. */
export function sortConditions(conditions: readonly Condition[]): Condition[] {
  return [...conditions].sort((a, b) =>
    a.type === READY ? -1 : b.type === READY ? 1 : a.type.localeCompare(b.type),
  );
}

/** Why a run failed, as Ready shows it. */
export interface RunFailure {
  reason: string;
  message: string;
}

/**
 * The one rule for Ready, on every path: a failed run explains itself first; then the framework's own
 * Finalizing (a deletion that waits) and Stalled (a spec only a change can fix); then the first
 * blocking condition of the controller's policy.
 */
export function deriveReady(
  conditions: readonly Condition[],
  policy: ReadyPolicy,
  failure?: RunFailure,
): ConditionInput {
  if (failure) return { type: READY, status: "False", reason: failure.reason, message: failure.message };
  for (const type of [FINALIZING, STALLED]) {
    const condition = findCondition(conditions, type);
    if (condition?.status === "True") {
      return { type: READY, status: "False", reason: condition.reason, message: condition.message };
    }
  }
  return summarizeReady(conditions, policy);
}

/** Derives Ready from the other conditions: the first blocking one explains why not. */
export function summarizeReady(conditions: readonly Condition[], policy: ReadyPolicy): ConditionInput {
  for (const type of policy.positive) {
    const condition = findCondition(conditions, type);
    if (!condition)
      return { type: READY, status: "Unknown", reason: "Pending", message: `${type} not yet known` };
    if (condition.status !== "True") {
      return { type: READY, status: "False", reason: condition.reason, message: condition.message };
    }
  }
  for (const type of policy.negative ?? []) {
    const condition = findCondition(conditions, type);
    if (condition?.status === "True") {
      return { type: READY, status: "False", reason: condition.reason, message: condition.message };
    }
  }
  return { type: READY, status: "True", reason: "Succeeded", message: "all conditions are met" };
}
