// AppsReady and the per-app status: each enabled app's Deployment is available with the current
// spec (observedGeneration caught up, the one replica updated and available).
import type { V1Deployment } from "@kubernetes/client-node";
import type { AppName } from "./catalog.js";
import { conditionFor, type ComputedCondition } from "./condition-reasons.js";

export interface DeploymentReadiness {
  readonly ready: boolean;
  readonly replicas: number;
  readonly readyReplicas: number;
  /** Why not ready, for the condition message. */
  readonly waitingFor?: string;
  /** The Deployment gave up (ProgressDeadlineExceeded): retrying alone will not help. */
  readonly stalled: boolean;
}

export function deploymentReadiness(deployment: V1Deployment | undefined): DeploymentReadiness {
  if (!deployment)
    return { ready: false, replicas: 0, readyReplicas: 0, waitingFor: "not created yet", stalled: false };
  const status = deployment.status ?? {};
  const replicas = status.replicas ?? 0;
  const readyReplicas = status.readyReplicas ?? 0;
  const desired = deployment.spec?.replicas ?? 1;
  const progressing = status.conditions?.find((condition) => condition.type === "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    const waitingFor = `rollout stalled: ${progressing.message ?? progressing.reason}`;
    return { ready: false, replicas, readyReplicas, waitingFor, stalled: true };
  }
  if ((status.observedGeneration ?? 0) < (deployment.metadata?.generation ?? 0)) {
    return { ready: false, replicas, readyReplicas, waitingFor: "rollout not observed yet", stalled: false };
  }
  const ready = (status.updatedReplicas ?? 0) >= desired && (status.availableReplicas ?? 0) >= desired;
  if (ready) return { ready, replicas, readyReplicas, stalled: false };
  return { ready, replicas, readyReplicas, waitingFor: `${readyReplicas}/${desired} ready`, stalled: false };
}

export function computeAppsCondition(
  readiness: ReadonlyMap<AppName, DeploymentReadiness>,
): ComputedCondition<"AppsReady"> {
  const total = readiness.size;
  const notReady = [...readiness].filter(([, state]) => !state.ready);
  const readyCount = total - notReady.length;
  if (notReady.length === 0)
    return conditionFor("AppsReady", "AppsAvailable", `${readyCount}/${total} apps available`);
  const details = notReady.map(([app, state]) => `${app} (${state.waitingFor ?? "not ready"})`).join(", ");
  const reason = notReady.some(([, state]) => state.stalled) ? "RolloutStalled" : "AppsNotReady";
  return conditionFor("AppsReady", reason, `${readyCount}/${total} apps available; waiting for ${details}`);
}
