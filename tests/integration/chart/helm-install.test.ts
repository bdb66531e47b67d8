// The chart on the run's real cluster with the real helm: install (CRDs, an Available Deployment),
// upgrade and uninstall keeping CRDs and users' CRs, and the operator run locally as the chart's
// ServiceAccount, so the apiserver enforces the chart's RBAC while all three kinds are reconciled.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { test, type TestContext } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import type { KubernetesObject, V1Deployment } from "@kubernetes/client-node";
import { isNotFound, KubeApi, patchTypes } from "../../../operator/framework/kube-api.js";
import { builtinResources, type ResourceType } from "../../../operator/framework/resource.js";
import { DittoServerResource } from "../../../operator/generated/dittoserver.js";
import { MediaStackResource } from "../../../operator/generated/mediastack.js";
import { TorrentResource } from "../../../operator/generated/torrent.js";
import { chartDir, helm, parseObjects, repoRoot } from "../../support/helm.js";
import {
  createTestNamespace,
  serviceAccountKubeconfig,
  testCluster,
  testKubeconfigPath,
  waitFor,
} from "../support/cluster.js";
import { startOperatorProcess } from "./operator-process.js";

const admin = new KubeApi(testCluster());
const kinds = [TorrentResource, MediaStackResource, DittoServerResource] as const;
const crdResource: ResourceType = {
  group: "apiextensions.k8s.io",
  version: "v1",
  plural: "customresourcedefinitions",
  kind: "CustomResourceDefinition",
  namespaced: false,
};
const crdNames = kinds.map((kind) => `${kind.plural}.${kind.group}`);
const clusterRoleResource: ResourceType = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  plural: "clusterroles",
  kind: "ClusterRole",
  namespaced: false,
};

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
type CustomResource = KubernetesObject & { status?: { conditions?: Condition[] } };

function sample(path: string, namespace: string): CustomResource[] {
  return parseObjects(readFileSync(join(repoRoot, "samples", path), "utf8")).map((object) => ({
    ...object,
    metadata: { ...object.metadata, namespace },
  }));
}

async function crdUids(): Promise<Map<string, string>> {
  const crds = await Promise.all(crdNames.map((name) => admin.get(crdResource, undefined, name)));
  return new Map(crds.map((crd) => [crd.metadata?.name ?? "", crd.metadata?.uid ?? ""]));
}

async function exists(resource: ResourceType, namespace: string | undefined, name: string): Promise<boolean> {
  try {
    await admin.get(resource, namespace, name);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function resourceOf(object: KubernetesObject): ResourceType {
  const kind = kinds.find((candidate) => candidate.kind === object.kind);
  if (kind === undefined) throw new Error(`not a mediaplane kind: ${object.kind ?? "?"}`);
  return kind;
}

/** Removes whatever CRs are left in `namespace`, finalizers first, so the namespace can go. */
async function removeLeftovers(namespace: string): Promise<void> {
  for (const kind of kinds) {
    const { items } = await admin.list<CustomResource>(kind, namespace);
    for (const item of items) {
      const name = item.metadata?.name ?? "";
      try {
        await admin.patch(kind, namespace, name, { metadata: { finalizers: null } }, patchTypes.merge);
        await admin.delete(kind, namespace, name);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
}

async function deploymentAvailable(namespace: string, name: string, replicas: number): Promise<V1Deployment> {
  return waitFor(
    async () => {
      const deployment = await admin.get<V1Deployment>(builtinResources.Deployment, namespace, name);
      const available = deployment.status?.conditions?.find((c) => c.type === "Available")?.status === "True";
      return available && deployment.status?.availableReplicas === replicas ? deployment : undefined;
    },
    { what: `Deployment ${namespace}/${name} Available with ${replicas} replicas`, timeoutMs: 60_000 },
  );
}

test("the Helm chart installs, runs under its own RBAC, upgrades and uninstalls keeping users' data", async (t) => {
  const namespace = await createTestNamespace(t);
  const release = `mp-${randomBytes(3).toString("hex")}`;
  const fullname = `${release}-mediaplane`;
  const kubeconfig = testKubeconfigPath();
  t.after(async () => {
    // After a failure midway: leave no release (and no ClusterRole) behind for later tests.
    await helm(["uninstall", release, "--namespace", namespace, "--ignore-not-found"], kubeconfig);
    await removeLeftovers(namespace);
  });
  let uidsAtInstall = new Map<string, string>();
  const keeper = sample("torrent/basic.yaml", namespace)[0];

  await t.test("helm install creates the CRDs and a Deployment that becomes Available", async () => {
    // The run's cluster applied crds/ at start-up (other tests need them), so this install takes them
    // over, as a user who applied crds/ by hand would (docs/install.md).
    await helm(
      [
        "install",
        release,
        chartDir,
        "--namespace",
        namespace,
        "--take-ownership",
        "--wait",
        "--timeout",
        "120s",
      ],
      kubeconfig,
    );
    uidsAtInstall = await crdUids();
    for (const name of crdNames) {
      const crd = await admin.get(crdResource, undefined, name);
      assert.equal(
        crd.metadata?.annotations?.["meta.helm.sh/release-name"],
        release,
        `${name} is the release's`,
      );
      assert.equal(crd.metadata?.annotations?.["helm.sh/resource-policy"], "keep", `${name} is kept`);
    }
    const deployment = await deploymentAvailable(namespace, fullname, 1);
    const pod = deployment.spec?.template.spec;
    assert.equal(pod?.serviceAccountName, fullname);
    assert.equal(pod?.securityContext?.runAsUser, 65532);
    assert.ok(await exists(builtinResources.Service, namespace, `${fullname}-metrics`));
    await admin.create(TorrentResource, keeper);
  });

  await t.test("helm upgrade to 2 replicas keeps the CRDs and the CRs", async () => {
    const before = await admin.get(TorrentResource, namespace, keeper.metadata?.name ?? "");
    await helm(
      [
        "upgrade",
        release,
        chartDir,
        "--namespace",
        namespace,
        "--set",
        "replicaCount=2",
        "--wait",
        "--timeout",
        "120s",
      ],
      kubeconfig,
    );
    await deploymentAvailable(namespace, fullname, 2);
    assert.deepEqual(await crdUids(), uidsAtInstall, "the CRDs were updated in place, not recreated");
    const after = await admin.get(TorrentResource, namespace, keeper.metadata?.name ?? "");
    assert.equal(after.metadata?.uid, before.metadata?.uid);
  });

  await t.test(
    "the operator as the chart's ServiceAccount reconciles every kind without a 403",
    async (st) => {
      await runOperatorUnderChartRbac(st, namespace, fullname);
    },
  );

  await t.test("helm uninstall removes the operator but keeps the CRDs and the CRs", async () => {
    await helm(["uninstall", release, "--namespace", namespace, "--wait", "--timeout", "120s"], kubeconfig);
    assert.ok(!(await exists(builtinResources.Deployment, namespace, fullname)), "Deployment gone");
    assert.ok(!(await exists(builtinResources.ServiceAccount, namespace, fullname)), "ServiceAccount gone");
    assert.ok(!(await exists(clusterRoleResource, undefined, fullname)), "ClusterRole gone");
    assert.deepEqual(await crdUids(), uidsAtInstall, "the CRDs are still there");
    assert.ok(
      await exists(TorrentResource, namespace, keeper.metadata?.name ?? ""),
      "the user's Torrent is still there",
    );
  });
});

async function runOperatorUnderChartRbac(t: TestContext, namespace: string, fullname: string): Promise<void> {
  const identity = await serviceAccountKubeconfig(namespace, fullname);
  // A Secret client_ref to a port nothing listens on: the Torrent reconciles to a visible wait,
  // without any traffic beyond loopback.
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "qbittorrent", namespace },
    stringData: { url: "http://127.0.0.1:9", username: "admin", password: "adminadmin" },
  };
  await admin.create(builtinResources.Secret, secret);
  const operator = startOperatorProcess(identity.kubeconfigPath, {
    MEDIAPLANE_LOG_FORMAT: "json",
    MEDIAPLANE_LOG_LEVEL: "info",
    MEDIAPLANE_PROBE_HOST: "127.0.0.1",
    MEDIAPLANE_PROBE_PORT: "0",
    MEDIAPLANE_LEADER_ELECTION: "true",
    MEDIAPLANE_LEASE_NAMESPACE: namespace,
    MEDIAPLANE_LEASE_NAME: fullname,
    POD_NAME: "chart-rbac-test",
    POD_NAMESPACE: namespace,
  });
  t.after(() => operator.stop());
  // A namespace being deleted refuses new Events with a 403 too; that is no RBAC refusal.
  const forbiddenLines = (): string[] =>
    operator.lines.filter(
      (line) => /forbidden|\b403\b/i.test(line) && !/because it is being terminated/.test(line),
    );
  // A 403 ends any wait at once, with the operator's own words.
  const abortIf = (): string | undefined => {
    const forbidden = forbiddenLines();
    return forbidden.length === 0 ? undefined : `the operator was refused:\n${forbidden.join("\n")}`;
  };

  const started = await operator.waitForMessage("operator started", 60_000);
  await operator.waitForMessage("became leader", 30_000);
  const controllers = started["controllers"] as string[];
  t.diagnostic(`registered controllers: ${controllers.join(", ")}`);
  const objects: CustomResource[] = [
    ...sample("torrent/with-secret-client.yaml", namespace),
    ...sample("dittoserver/quick-start.yaml", namespace),
    ...["minimal", "optional-apps", "seed-002-nfs-gateway", "existing-claim-ingress"].flatMap((file) =>
      sample(`mediastack/${file}.yaml`, namespace),
    ),
  ];
  for (const object of objects) await admin.create(resourceOf(object), object);

  const controllerOf: Record<string, string> = {
    Torrent: "torrent",
    MediaStack: "mediastack",
    DittoServer: "dittoserver",
  };
  const reconciled = objects.filter((object) => controllers.includes(controllerOf[object.kind ?? ""] ?? ""));
  for (const object of objects.filter((o) => !reconciled.includes(o))) {
    t.diagnostic(
      `no controller for ${object.kind ?? "?"} is registered yet: ${object.metadata?.name ?? "?"} not checked`,
    );
  }
  for (const object of reconciled) {
    const name = object.metadata?.name ?? "";
    const status = await waitFor(
      async () => {
        const current = await admin.get<CustomResource>(resourceOf(object), namespace, name);
        return current.status?.conditions?.some((c) => c.type === "Ready") ? current.status : undefined;
      },
      { what: `${object.kind ?? "?"} ${name} to get a Ready condition`, timeoutMs: 60_000, abortIf },
    );
    for (const condition of status.conditions ?? []) {
      assert.doesNotMatch(
        condition.message ?? "",
        /forbidden/i,
        `${object.kind ?? "?"} ${name} ${condition.type}`,
      );
    }
  }
  if (controllers.includes("mediastack")) {
    // Children written under the chart's RBAC: the first stack's qBittorrent Deployment and Service.
    await waitFor(() => exists(builtinResources.Deployment, namespace, "minimal-qbittorrent"), {
      what: "the minimal stack's qBittorrent Deployment",
      timeoutMs: 30_000,
      abortIf,
    });
  }
  if (controllers.includes("dittoserver")) {
    await waitFor(() => exists(builtinResources.StatefulSet, namespace, "my-dittofs"), {
      what: "the DittoServer's StatefulSet",
      timeoutMs: 30_000,
      abortIf,
    });
  }
  // Let follow-up reconciles (children's watch events, status updates, Events) run too.
  await delay(3_000);

  // Deleting runs every finalizer as the ServiceAccount; nothing may be left hanging.
  for (const object of reconciled)
    await admin.delete(resourceOf(object), namespace, object.metadata?.name ?? "");
  for (const object of reconciled) {
    const name = object.metadata?.name ?? "";
    await waitFor(async () => !(await exists(resourceOf(object), namespace, name)), {
      what: `${object.kind ?? "?"} ${name} to be deleted through its finalizer`,
      timeoutMs: 60_000,
      abortIf,
    });
  }

  assert.equal(await operator.stop(), 0, "the operator stops cleanly");
  const events = await admin.list<KubernetesObject & { message?: string }>(builtinResources.Event, namespace);
  const forbiddenEvents = events.items.filter((event) => /forbidden/i.test(event.message ?? ""));
  assert.deepEqual(
    forbiddenEvents.map((event) => event.message),
    [],
    "no Event reports a 403",
  );
  assert.deepEqual(forbiddenLines(), [], "the operator's log shows no 403");
  assert.ok(
    operator.lines.some((line) => line.includes("released leader lease")),
    "the Lease was released",
  );
}
