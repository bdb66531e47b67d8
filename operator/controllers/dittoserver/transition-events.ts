// Kubernetes Events for the condition changes a person should see in `kubectl describe`; posted
// only when a condition's reason or message changes, so waiting and resyncs do not repeat them.
import { conditionTransitionEvents, type ConditionEvent } from "../../framework/condition-events.js";
import type { Condition } from "../../framework/conditions.js";
import type { EventType } from "../../framework/events.js";
import type { DittoServerConditionInput, DittoServerReason } from "./status.js";

/** Reasons worth an Event when a condition takes them, and how they are posted. */
const ANNOUNCED: Partial<Record<DittoServerReason, { type: EventType; event: string }>> = {
  SecretNotFound: { type: "Warning", event: "SecretNotFound" },
  PerconaNotInstalled: { type: "Warning", event: "PerconaNotInstalled" },
  PerconaClusterFailed: { type: "Warning", event: "DatabaseFailed" },
  PerconaClusterNotReady: { type: "Normal", event: "WaitingForDatabase" },
  DatabaseSecretNotFound: { type: "Normal", event: "WaitingForDatabase" },
  DatabaseAvailable: { type: "Normal", event: "DatabaseReady" },
  MinimumReplicasAvailable: { type: "Normal", event: "Available" },
  ScaledToZero: { type: "Normal", event: "Stopped" },
};

/** Events for the conditions in `next` whose reason or message changed since `previous` and are announced. */
export function transitionEvents(
  previous: readonly Condition[],
  next: readonly DittoServerConditionInput[],
): ConditionEvent[] {
  return conditionTransitionEvents(
    previous,
    next,
    (condition) => {
      const announced = ANNOUNCED[condition.reason];
      return announced && { type: announced.type, reason: announced.event, message: condition.message };
    },
    ["reason", "message"],
  );
}
