// Every condition reason a DittoServer reports, in the framework's ReasonTable: status.ts builds its
// conditions from it, the framework posts the transition Events it names, docs/dittoserver.md lists it.
import {
  conditionFrom,
  conditionsWithReason,
  type ComputedCondition,
  type ReasonTable,
} from "../../framework/reasons.js";

export type DittoServerConditionType =
  "ConfigReady" | "DatabaseReady" | "Available" | "ServerConfigured" | "Progressing" | "ServiceMonitorReady";
/** The framework's Finalizing condition, with the reasons this controller's finalize sets. */
type FinalizingCondition = "Finalizing";

export const dittoServerReasons = {
  ConfigReady: {
    ConfigApplied: {
      status: "True",
      meaning: "config.yaml is rendered into <name>-config and every Secret the pod reads exists.",
    },
    ConfigNotApplied: {
      status: "Unknown",
      meaning: "This reconcile stopped before the ConfigMap was applied; the next one retries.",
    },
    ApplyFailed: {
      status: "False",
      event: "Warning",
      meaning: "The API server refused a rendered object; the message carries its answer.",
    },
    SecretNotFound: {
      status: "False",
      event: "Warning",
      meaning: "A Secret the pod reads (S3 credentials or <name>-controlplane) is missing; create it.",
    },
  },
  DatabaseReady: {
    DatabaseAvailable: {
      status: "True",
      event: "Normal",
      eventReason: "DatabaseReady",
      meaning: "PostgreSQL is ready (Percona state ready) and its connection Secret exists.",
    },
    PerconaNotInstalled: {
      status: "False",
      event: "Warning",
      meaning:
        "percona.enabled but the PerconaPGCluster CRD is absent: install the Percona Operator for PostgreSQL v2.",
    },
    PerconaClusterNotReady: {
      status: "False",
      event: "Normal",
      eventReason: "WaitingForDatabase",
      meaning: "The PerconaPGCluster is not ready yet (initializing, paused or stopping); pods wait for it.",
    },
    PerconaClusterFailed: {
      status: "False",
      event: "Warning",
      eventReason: "DatabaseFailed",
      meaning: "The PerconaPGCluster reports state error; see its status and the Percona operator's logs.",
    },
    DatabaseSecretNotFound: {
      status: "False",
      event: "Normal",
      eventReason: "WaitingForDatabase",
      meaning: "The PostgreSQL connection Secret is missing (Percona writes it once the cluster is ready).",
    },
  },
  Available: {
    MinimumReplicasAvailable: {
      status: "True",
      event: "Normal",
      eventReason: "Available",
      meaning: "A DittoFS pod passes its readiness probe (/health/ready); the file Service serves.",
    },
    ScaledToZero: {
      status: "False",
      event: "Normal",
      eventReason: "Stopped",
      meaning: "spec.replicas is 0: the server is stopped on purpose, its volumes are kept.",
    },
    DatabaseNotReady: {
      status: "False",
      meaning: "No pod is ready because the pods wait for PostgreSQL (see DatabaseReady).",
    },
    PodsNotReady: {
      status: "False",
      meaning: "No DittoFS pod passes its readiness probe yet.",
    },
  },
  ServerConfigured: {
    Configured: {
      status: "True",
      event: "Normal",
      eventReason: "ServerConfigured",
      meaning:
        "The server's stores, NFS/SMB adapters and every share of spec.shares are as the spec asks (status.shares lists them).",
    },
    WaitingForServer: {
      status: "False",
      meaning:
        "No DittoFS pod is ready yet (or replicas is 0, or the S3 credentials Secret is missing): nothing to configure.",
    },
    ApiUnreachable: {
      status: "False",
      event: "Warning",
      meaning:
        "The pod is ready but its REST API (<name>-api) did not answer or failed (5xx); retried with backoff from 5 s to 5 min.",
    },
    LoginRefused: {
      status: "False",
      event: "Warning",
      meaning:
        "DittoFS refused the admin password of <name>-controlplane (edited by hand?). The same password is never sent again, so the account is not locked; restore the Secret's original value.",
    },
    RemoteStoreUnhealthy: {
      status: "False",
      event: "Warning",
      meaning:
        "DittoFS's own check of the S3 remote store fails (bucket missing, wrong endpoint or region, or credentials refused); no share is put on it. Retried with backoff from 5 s to 5 min.",
    },
    DatabaseSecretIncomplete: {
      status: "False",
      event: "Warning",
      meaning:
        "With percona.enabled the metadata store is PostgreSQL, but Percona's user Secret <name>-postgres-pguser-dittofs is missing, or lacks host, port, user or password (or port is not a number); nothing is configured until it is complete.",
    },
    MetadataStoreRefused: {
      status: "False",
      event: "Warning",
      meaning:
        "DittoFS could not open the PostgreSQL metadata store with the Secret's settings (wrong password, host or port; its message, without the password). Sent again when the Secret, the spec or the pod changes.",
    },
    MetadataStoreMismatch: {
      status: "False",
      event: "Warning",
      meaning:
        "The server already has metadata store mediaplane-metadata of another type (badger from before percona.enabled); it is kept with its shares and nothing is migrated or deleted. The message names the shares on it.",
    },
    ConfigRefused: {
      status: "False",
      event: "Warning",
      meaning:
        "DittoFS refused a store, share, user or adapter the spec asks for; the message is DittoFS's. Not sent again until the spec, a Secret or the pod changes.",
    },
  },
  Progressing: {
    Creating: {
      status: "True",
      meaning: "The StatefulSet does not exist yet (first reconcile, or it was deleted).",
    },
    WaitingForDatabase: {
      status: "True",
      meaning: "Pods wait in their init container until PostgreSQL accepts connections.",
    },
    RollingUpdate: {
      status: "True",
      meaning: "The pod template changed (image, config hash, ...) and the StatefulSet is replacing the pod.",
    },
    PodsStarting: {
      status: "True",
      meaning: "Pods are up to date but not ready yet.",
    },
    ScalingDown: {
      status: "True",
      meaning: "Pods are terminating after spec.replicas went down.",
    },
    RolloutComplete: {
      status: "False",
      meaning: "The StatefulSet matches the spec; nothing is in flight.",
    },
    ReconcileFailed: {
      status: "False",
      meaning:
        "The operator cannot make progress (an error or a missing dependency); see the other conditions.",
    },
  },
  ServiceMonitorReady: {
    ServiceMonitorApplied: {
      status: "True",
      meaning: "metrics.serviceMonitor.enabled: the ServiceMonitor <name> for <name>-metrics is applied.",
    },
    PrometheusOperatorNotInstalled: {
      status: "False",
      event: "Warning",
      meaning:
        "metrics.serviceMonitor.enabled but the monitoring.coreos.com ServiceMonitor CRD is absent: install the Prometheus Operator (or scrape by the Service's prometheus.io annotations). Ready does not depend on it.",
    },
  },
  Finalizing: {
    InUseByMediaStack: {
      status: "True",
      event: "Warning",
      meaning:
        "The DittoServer was deleted but a MediaStack still uses it as /data; the deletion completes by itself once no stack does.",
    },
  },
} as const satisfies ReasonTable<DittoServerConditionType | FinalizingCondition>;

type ReasonsOf<C extends DittoServerConditionType | FinalizingCondition> =
  keyof (typeof dittoServerReasons)[C] & string;
export type DittoServerReason = { [C in DittoServerConditionType]: ReasonsOf<C> }[DittoServerConditionType];
export type DittoServerFinalizingReason = ReasonsOf<FinalizingCondition>;

export type DittoServerConditionInput = ComputedCondition<DittoServerConditionType>;

/** The condition a reason belongs to (each DittoServer reason names one), with the table's status. */
export function dittoServerCondition(reason: DittoServerReason, message: string): DittoServerConditionInput {
  const [type] = conditionsWithReason(dittoServerReasons, reason) as DittoServerConditionType[];
  if (type === undefined) throw new Error(`unknown DittoServer reason ${reason}`);
  return conditionFrom(dittoServerReasons, type, reason as never, message);
}
