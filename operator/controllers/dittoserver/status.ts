// Computes a DittoServer's status from what the reconcile observed (StatefulSet, Percona cluster,
// Secrets, errors): phase, replicas, endpoint and conditions with reasons from condition-reasons.ts.
import type { DittoServer } from "../../generated/dittoserver.js";
import {
  dittoServerCondition,
  type DittoServerConditionInput,
  type DittoServerConditionType,
} from "./condition-reasons.js";

export type { DittoServerConditionInput, DittoServerConditionType } from "./condition-reasons.js";
import { dittoServerNames } from "./names.js";
import { referencedSecrets } from "./referenced-secrets.js";
import type { ReferencedSecret } from "./referenced-secrets.js";
import { resolveServerSettings } from "./settings.js";
import type { ServerSettings } from "./settings.js";

/** Deleting is set by finalize (finalize-dittoserver.ts), the others by computeDittoServerStatus. */
export type DittoServerPhase = "Pending" | "Running" | "Stopped" | "Failed" | "Deleting";

/** The parts of a StatefulSet the status reads (metadata.generation and its status). */
export interface ObservedStatefulSet {
  generation?: number;
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  updatedReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
}

/** What one reconcile saw; every field is a fact, none is read from the API here. */
export interface DittoServerObservations {
  /** The hash the StatefulSet was rendered with (render/index.ts). */
  configHash: string;
  /** The ConfigMap was applied in this reconcile. */
  configApplied: boolean;
  /** The StatefulSet as read back after applying; undefined when it does not exist (yet). */
  statefulSet?: ObservedStatefulSet;
  /** resourceVersion, by name, of the Secrets the pod reads; missing Secrets are absent. */
  secretVersions: Readonly<Record<string, string | undefined>>;
  /** With percona.enabled: whether its CRD exists and the cluster's status.state (undefined until set). */
  percona?: { crdInstalled: boolean; state?: string };
  /** With metrics.serviceMonitor.enabled: whether the ServiceMonitor CRD is served (so it was applied). */
  serviceMonitor?: { crdInstalled: boolean };
  /** The error that stopped this reconcile, if any. */
  error?: { message: string };
}

export interface ComputedDittoServerStatus {
  phase: DittoServerPhase;
  replicas: number;
  readyReplicas: number;
  configHash: string;
  nfsEndpoint: string;
  perconaClusterName?: string;
  /** Set these (Ready is derived by the framework with readyPolicyFor). */
  conditions: DittoServerConditionInput[];
  /** Remove these if present (DatabaseReady once the server is back on SQLite). */
  removedConditionTypes: DittoServerConditionType[];
}

/** Which conditions Ready summarizes for `server` (the framework's ReadyPolicy shape). */
export function readyPolicyFor(server: DittoServer): { positive: string[]; negative: string[] } {
  const settings = resolveServerSettings(server);
  const usesDatabase = settings.database.kind === "postgres";
  return {
    positive: [
      "ConfigReady",
      ...(usesDatabase ? ["DatabaseReady"] : []),
      "Available",
      ...(settings.manageServer ? ["ServerConfigured"] : []),
    ],
    negative: ["Progressing"],
  };
}

const condition = dittoServerCondition;

function missingSecrets(secrets: ReferencedSecret[], observed: DittoServerObservations): ReferencedSecret[] {
  return secrets.filter(({ name }) => observed.secretVersions[name] === undefined);
}

function configCondition(
  server: DittoServer,
  secrets: ReferencedSecret[],
  observed: DittoServerObservations,
): DittoServerConditionInput {
  if (observed.error !== undefined) return condition("ApplyFailed", observed.error.message);
  if (!observed.configApplied) {
    return condition(
      "ConfigNotApplied",
      `ConfigMap ${dittoServerNames.configMap(server)} was not applied yet`,
    );
  }
  const missing = missingSecrets(
    secrets.filter(({ purpose }) => purpose !== "database"),
    observed,
  );
  if (missing.length > 0) {
    const list = missing.map(
      ({ name, purpose }) => `${name} (${purpose === "s3" ? "S3 credentials" : purpose})`,
    );
    return condition(
      "SecretNotFound",
      `Secret ${list.join(", ")} not found in namespace ${server.metadata.namespace}`,
    );
  }
  return condition(
    "ConfigApplied",
    `config.yaml rendered into ConfigMap ${dittoServerNames.configMap(server)}`,
  );
}

function databaseCondition(
  settings: ServerSettings,
  secrets: ReferencedSecret[],
  observed: DittoServerObservations,
): DittoServerConditionInput | undefined {
  if (settings.database.kind !== "postgres") return undefined;
  const secretName = settings.database.secret.secretName;
  const percona = settings.percona;
  if (percona !== undefined) {
    if (observed.percona?.crdInstalled !== true) {
      return condition(
        "PerconaNotInstalled",
        "the CRD perconapgclusters.pgv2.percona.com is missing: install the Percona Operator for " +
          "PostgreSQL v2, or set percona.enabled to false",
      );
    }
    const state = observed.percona.state;
    if (state === "error") {
      return condition("PerconaClusterFailed", `PerconaPGCluster ${percona.clusterName} reports state error`);
    }
    if (state !== "ready") {
      return condition(
        "PerconaClusterNotReady",
        `PerconaPGCluster ${percona.clusterName} is ${state ?? "not reporting a state yet"}`,
      );
    }
  }
  if (missingSecrets(secrets, observed).some(({ name }) => name === secretName)) {
    const origin =
      percona === undefined
        ? "create it (database.postgresSecretRef)"
        : `PerconaPGCluster ${percona.clusterName} writes it once ready`;
    return condition("DatabaseSecretNotFound", `Secret ${secretName} not found: ${origin}`);
  }
  return condition(
    "DatabaseAvailable",
    percona === undefined
      ? `PostgreSQL settings from Secret ${secretName}`
      : `PerconaPGCluster ${percona.clusterName} is ready; settings from Secret ${secretName}`,
  );
}

function availableCondition(
  desired: number,
  ready: number,
  databaseReady: boolean,
): DittoServerConditionInput {
  if (ready >= 1) return condition("MinimumReplicasAvailable", `${ready} of ${desired} pods ready`);
  if (desired === 0) return condition("ScaledToZero", "spec.replicas is 0; volumes are kept");
  if (!databaseReady) return condition("DatabaseNotReady", "pods wait for PostgreSQL (see DatabaseReady)");
  return condition("PodsNotReady", `0 of ${desired} pods ready`);
}

function progressingCondition(
  desired: number,
  databaseReady: boolean,
  failed: boolean,
  statefulSet: ObservedStatefulSet | undefined,
): DittoServerConditionInput {
  if (failed) return condition("ReconcileFailed", "the operator cannot proceed; see the other conditions");
  if (statefulSet === undefined) return condition("Creating", "the StatefulSet does not exist yet");
  const current = statefulSet.replicas ?? 0;
  const ready = statefulSet.readyReplicas ?? 0;
  if (desired === 0) {
    return current > 0
      ? condition("ScalingDown", `${current} pods terminating`)
      : condition("RolloutComplete", "scaled to zero");
  }
  if (!databaseReady)
    return condition("WaitingForDatabase", "pods wait for PostgreSQL to accept connections");
  const unobserved =
    statefulSet.generation !== undefined && (statefulSet.observedGeneration ?? 0) < statefulSet.generation;
  const revisionsDiffer =
    statefulSet.updateRevision !== undefined && statefulSet.currentRevision !== statefulSet.updateRevision;
  if (unobserved || revisionsDiffer || (statefulSet.updatedReplicas ?? 0) < desired) {
    return condition("RollingUpdate", `${statefulSet.updatedReplicas ?? 0} of ${desired} pods updated`);
  }
  if (current > desired) return condition("ScalingDown", `${current - desired} pods terminating`);
  if (ready < desired) return condition("PodsStarting", `${ready} of ${desired} pods ready`);
  return condition("RolloutComplete", `${ready} of ${desired} pods ready and up to date`);
}

function phaseOf(
  observed: DittoServerObservations,
  failed: boolean,
  desired: number,
  ready: number,
): DittoServerPhase {
  if (failed) return "Failed";
  if (desired === 0) return "Stopped";
  return ready >= 1 ? "Running" : "Pending";
}

/** ServiceMonitorReady while a ServiceMonitor is asked for; never part of Ready. */
function serviceMonitorCondition(
  server: DittoServer,
  observed: DittoServerObservations,
): DittoServerConditionInput | undefined {
  if (observed.serviceMonitor === undefined) return undefined;
  const name = dittoServerNames.serviceMonitor(server);
  return observed.serviceMonitor.crdInstalled
    ? condition(
        "ServiceMonitorApplied",
        `ServiceMonitor ${name} scrapes ${dittoServerNames.metricsService(server)}`,
      )
    : condition(
        "PrometheusOperatorNotInstalled",
        `metrics.serviceMonitor.enabled, but the monitoring.coreos.com ServiceMonitor CRD is not installed: ` +
          `no ServiceMonitor is created (the server runs as usual; ${dittoServerNames.metricsService(server)} ` +
          "carries prometheus.io scrape annotations)",
      );
}

/** The status of `server` given `observed`; pure, so every reconcile path can write it. */
export function computeDittoServerStatus(
  server: DittoServer,
  observed: DittoServerObservations,
): ComputedDittoServerStatus {
  const settings = resolveServerSettings(server);
  const secrets = referencedSecrets(server, settings);
  const database = databaseCondition(settings, secrets, observed);
  const databaseReady = database === undefined || database.status === "True";
  const failed =
    observed.error !== undefined ||
    database?.reason === "PerconaNotInstalled" ||
    database?.reason === "PerconaClusterFailed";
  const desired = settings.replicas;
  const ready = observed.statefulSet?.readyReplicas ?? 0;
  const conditions = [
    configCondition(server, secrets, observed),
    ...(database === undefined ? [] : [database]),
    availableCondition(desired, ready, databaseReady),
    progressingCondition(desired, databaseReady, failed, observed.statefulSet),
  ];
  const monitor = serviceMonitorCondition(server, observed);
  if (monitor !== undefined) conditions.push(monitor);
  return {
    phase: phaseOf(observed, failed, desired, ready),
    replicas: observed.statefulSet?.replicas ?? 0,
    readyReplicas: ready,
    configHash: observed.configHash,
    nfsEndpoint: `${dittoServerNames.fileService(server)}.${settings.namespace}.svc.cluster.local:${settings.nfs.servicePort}`,
    ...(settings.percona === undefined ? {} : { perconaClusterName: settings.percona.clusterName }),
    conditions,
    removedConditionTypes: [
      ...(database === undefined ? (["DatabaseReady"] as const) : []),
      ...(monitor === undefined ? (["ServiceMonitorReady"] as const) : []),
    ],
  };
}
