// Status math for the paths issue 5 names: waiting for the database, Percona missing, rolling,
// ready, scaled to zero, errors and missing Secrets; every reason comes from the exported table.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { DittoServer } from "../../../operator/generated/dittoserver.js";
import {
  computeDittoServerStatus,
  readyPolicyFor,
} from "../../../operator/controllers/dittoserver/status.js";
import type {
  ComputedDittoServerStatus,
  DittoServerObservations,
  ObservedStatefulSet,
} from "../../../operator/controllers/dittoserver/status.js";
import { dittoServer, repoRoot, secretVersionsFor } from "./fixtures.js";
import { dittoServerReasons } from "../../../operator/controllers/dittoserver/condition-reasons.js";

const sqliteServer = dittoServer("files", { storage: { metadataSize: "10Gi" } });
const perconaServer = dittoServer("files", { storage: { metadataSize: "10Gi" }, percona: { enabled: true } });

const settled: ObservedStatefulSet = {
  generation: 2,
  observedGeneration: 2,
  replicas: 1,
  readyReplicas: 1,
  updatedReplicas: 1,
  currentRevision: "files-abc",
  updateRevision: "files-abc",
};

function observe(
  server: DittoServer,
  overrides: Partial<DittoServerObservations> = {},
): ComputedDittoServerStatus {
  return computeDittoServerStatus(server, {
    configHash: "hash",
    configApplied: true,
    statefulSet: settled,
    secretVersions: secretVersionsFor(server),
    ...overrides,
  });
}

function reasons(status: ComputedDittoServerStatus): Record<string, string> {
  return Object.fromEntries(
    status.conditions.map(({ type, status: value, reason }) => [type, `${value}/${reason}`]),
  );
}

test("a ready SQLite server is Running with every condition settled and no DatabaseReady", () => {
  const status = observe(sqliteServer);
  assert.equal(status.phase, "Running");
  assert.equal(status.readyReplicas, 1);
  assert.equal(status.nfsEndpoint, "files-file.media.svc.cluster.local:2049");
  assert.equal(status.perconaClusterName, undefined);
  assert.deepEqual(reasons(status), {
    ConfigReady: "True/ConfigApplied",
    Available: "True/MinimumReplicasAvailable",
    Progressing: "False/RolloutComplete",
  });
  assert.deepEqual(status.removedConditionTypes, ["DatabaseReady", "ServiceMonitorReady"]);
  assert.deepEqual(readyPolicyFor(sqliteServer), {
    positive: ["ConfigReady", "Available", "ServerConfigured"],
    negative: ["Progressing"],
  });
});

test("while the Percona cluster initializes the pods wait and the status says so", () => {
  const status = observe(perconaServer, {
    percona: { crdInstalled: true, state: "initializing" },
    secretVersions: secretVersionsFor(perconaServer, { "files-postgres-pguser-dittofs": undefined }),
    statefulSet: { ...settled, readyReplicas: 0 },
  });
  assert.equal(status.phase, "Pending");
  assert.equal(status.perconaClusterName, "files-postgres");
  assert.deepEqual(reasons(status), {
    ConfigReady: "True/ConfigApplied",
    DatabaseReady: "False/PerconaClusterNotReady",
    Available: "False/DatabaseNotReady",
    Progressing: "True/WaitingForDatabase",
  });
  assert.match(status.conditions.find(({ type }) => type === "DatabaseReady")?.message ?? "", /initializing/);
  assert.deepEqual(readyPolicyFor(perconaServer).positive, [
    "ConfigReady",
    "DatabaseReady",
    "Available",
    "ServerConfigured",
  ]);
});

test("a ready Percona cluster whose user Secret is not written yet is still waited for", () => {
  const status = observe(perconaServer, {
    percona: { crdInstalled: true, state: "ready" },
    secretVersions: secretVersionsFor(perconaServer, { "files-postgres-pguser-dittofs": undefined }),
    statefulSet: { ...settled, readyReplicas: 0 },
  });
  assert.equal(reasons(status).DatabaseReady, "False/DatabaseSecretNotFound");
  assert.equal(status.phase, "Pending");
});

test("a ready database and a ready pod make DatabaseReady and Available true", () => {
  const status = observe(perconaServer, { percona: { crdInstalled: true, state: "ready" } });
  assert.equal(status.phase, "Running");
  assert.equal(reasons(status).DatabaseReady, "True/DatabaseAvailable");
  assert.deepEqual(status.removedConditionTypes, ["ServiceMonitorReady"]);
});

test("without the Percona CRD the server fails with a reason that says to install it", () => {
  const status = observe(perconaServer, { percona: { crdInstalled: false }, statefulSet: undefined });
  assert.equal(status.phase, "Failed");
  const database = status.conditions.find(({ type }) => type === "DatabaseReady");
  assert.equal(database?.reason, "PerconaNotInstalled");
  assert.match(database?.message ?? "", /install .*Percona Operator for PostgreSQL/i);
  assert.equal(reasons(status).Progressing, "False/ReconcileFailed");
});

test("a Percona cluster in state error fails the server", () => {
  const status = observe(perconaServer, { percona: { crdInstalled: true, state: "error" } });
  assert.equal(status.phase, "Failed");
  assert.equal(reasons(status).DatabaseReady, "False/PerconaClusterFailed");
});

test("a rolling update keeps the old pod Available while Progressing", () => {
  const status = observe(sqliteServer, {
    statefulSet: { ...settled, updatedReplicas: 0, updateRevision: "files-def" },
  });
  assert.equal(status.phase, "Running");
  assert.equal(reasons(status).Available, "True/MinimumReplicasAvailable");
  assert.equal(reasons(status).Progressing, "True/RollingUpdate");
});

test("a rollout the StatefulSet controller has not observed yet is in progress", () => {
  const status = observe(sqliteServer, { statefulSet: { ...settled, generation: 3 } });
  assert.equal(reasons(status).Progressing, "True/RollingUpdate");
});

test("an updated pod that is not ready yet is starting, and the server is Pending", () => {
  const status = observe(sqliteServer, { statefulSet: { ...settled, readyReplicas: 0 } });
  assert.equal(status.phase, "Pending");
  assert.equal(reasons(status).Available, "False/PodsNotReady");
  assert.equal(reasons(status).Progressing, "True/PodsStarting");
});

test("replicas 0 is Stopped, scaling down until the pod is gone", () => {
  const stopped = dittoServer("files", { storage: { metadataSize: "10Gi" }, replicas: 0 });
  const terminating = observe(stopped, { statefulSet: { ...settled, readyReplicas: 0 } });
  assert.equal(terminating.phase, "Stopped");
  assert.equal(reasons(terminating).Available, "False/ScaledToZero");
  assert.equal(reasons(terminating).Progressing, "True/ScalingDown");
  const gone = observe(stopped, {
    statefulSet: { ...settled, replicas: 0, readyReplicas: 0, updatedReplicas: 0 },
  });
  assert.equal(gone.phase, "Stopped");
  assert.equal(reasons(gone).Progressing, "False/RolloutComplete");
});

test("before the StatefulSet exists the server is Pending and Creating", () => {
  const status = observe(sqliteServer, { statefulSet: undefined });
  assert.equal(status.phase, "Pending");
  assert.equal(status.replicas, 0);
  assert.equal(reasons(status).Progressing, "True/Creating");
});

test("an error is written as ApplyFailed and Failed, not swallowed", () => {
  const status = observe(sqliteServer, {
    configApplied: false,
    error: { message: "StatefulSet files: spec: Forbidden" },
  });
  assert.equal(status.phase, "Failed");
  const config = status.conditions.find(({ type }) => type === "ConfigReady");
  assert.deepEqual(
    [config?.status, config?.reason, config?.message],
    ["False", "ApplyFailed", "StatefulSet files: spec: Forbidden"],
  );
});

test("a missing S3 Secret makes ConfigReady false and names the Secret", () => {
  const server = dittoServer("files", {
    storage: { metadataSize: "1Gi" },
    s3: { credentialsSecretRef: { secretName: "s3-creds" } },
  });
  const status = observe(server, { secretVersions: secretVersionsFor(server, { "s3-creds": undefined }) });
  const config = status.conditions.find(({ type }) => type === "ConfigReady");
  assert.equal(config?.reason, "SecretNotFound");
  assert.match(config?.message ?? "", /s3-creds \(S3 credentials\)/);
});

test("a config that was not applied is Unknown", () => {
  assert.equal(
    reasons(observe(sqliteServer, { configApplied: false })).ConfigReady,
    "Unknown/ConfigNotApplied",
  );
});

test("every reason in the table is CamelCase, means something and names one condition", () => {
  const seen = new Set<string>();
  for (const [condition, reasons] of Object.entries(dittoServerReasons)) {
    assert.ok(
      [
        "Available",
        "ConfigReady",
        "DatabaseReady",
        "Progressing",
        "ServerConfigured",
        "ServiceMonitorReady",
        "Finalizing",
      ].includes(condition),
    );
    for (const [reason, entry] of Object.entries(reasons)) {
      assert.match(reason, /^[A-Z][A-Za-z]+$/);
      assert.ok(entry.meaning.length > 10);
      assert.ok(!seen.has(reason), `${reason} names one condition only`);
      seen.add(reason);
    }
  }
});

test("docs/dittoserver.md lists every reason of the table", () => {
  const docs = readFileSync(join(repoRoot, "docs", "dittoserver.md"), "utf8");
  for (const [condition, reasons] of Object.entries(dittoServerReasons)) {
    for (const [reason, entry] of Object.entries(reasons)) {
      assert.ok(
        docs.includes(`| ${condition} | ${entry.status} | \`${reason}\` |`),
        `docs/dittoserver.md misses ${condition} ${reason}`,
      );
    }
  }
});

test("a ServiceMonitor asked for without its CRD says so in ServiceMonitorReady and fails nothing", () => {
  const monitored = dittoServer("files", {
    storage: { metadataSize: "10Gi" },
    metrics: { enabled: true, serviceMonitor: { enabled: true } },
  });
  const absent = observe(monitored, { serviceMonitor: { crdInstalled: false } });
  assert.equal(absent.phase, "Running");
  assert.equal(reasons(absent).ServiceMonitorReady, "False/PrometheusOperatorNotInstalled");
  assert.equal(reasons(absent).Progressing, "False/RolloutComplete", "not ReconcileFailed");
  assert.ok(
    !readyPolicyFor(monitored).positive.includes("ServiceMonitorReady"),
    "Ready does not wait for it",
  );
  assert.deepEqual(absent.removedConditionTypes, ["DatabaseReady"]);
  const installed = observe(monitored, { serviceMonitor: { crdInstalled: true } });
  const condition = installed.conditions.find(({ type }) => type === "ServiceMonitorReady");
  assert.deepEqual(
    [condition?.status, condition?.reason, condition?.message],
    ["True", "ServiceMonitorApplied", "ServiceMonitor files scrapes files-metrics"],
  );
});
