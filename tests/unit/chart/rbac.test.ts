// Proves the chart's RBAC is what the code needs and no more: every kind the registered controllers
// watch is listable and watchable, every rendered child kind writable by server-side apply, the custom
// resources patchable (finalizers, status), the Lease limited to the release namespace; no wildcards
// and no grant for a kind the operator never touches.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { PollerRegistry } from "../../../operator/clients/qbittorrent/poller-registry.js";
import { loadConfig } from "../../../operator/config/operator-config.js";
import { PerconaPGClusterResource } from "../../../operator/controllers/dittoserver/child-resources.js";
import { dittoServerController } from "../../../operator/controllers/dittoserver/dittoserver-controller.js";
import { mediaStackController } from "../../../operator/controllers/mediastack/mediastack-controller.js";
import { registerControllers } from "../../../operator/controllers/register.js";
import { loginLedgerName } from "../../../operator/controllers/torrent/login-ledger-configmap.js";
import { silentLogger } from "../../../operator/framework/logger.js";
import { Operator } from "../../../operator/framework/operator.js";
import { builtinResources, type ResourceType } from "../../../operator/framework/resource.js";
import { crdSourceDir } from "../../../tools/chart-crds.js";
import { parseObjects, renderChartObjects, type RenderedObject } from "../../support/helm.js";

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const rulesOf = (object: RenderedObject | undefined): PolicyRule[] =>
  (object?.["rules"] as PolicyRule[] | undefined) ?? [];

function allows(rules: PolicyRule[], group: string, resource: string, verb: string, name?: string): boolean {
  return rules.some(
    (rule) =>
      rule.apiGroups.includes(group) &&
      rule.resources.includes(resource) &&
      rule.verbs.includes(verb) &&
      (rule.resourceNames === undefined || (name !== undefined && rule.resourceNames.includes(name))),
  );
}

/** The kinds the registered controllers watch: one informer each, created at registration. */
async function watchedResources(): Promise<ResourceType[]> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "never-contacted", server: "https://127.0.0.1:9", skipTLSVerify: true }],
    users: [{ name: "nobody" }],
    contexts: [{ name: "unit", cluster: "never-contacted", user: "nobody" }],
    currentContext: "unit",
  });
  const operator = new Operator({ kubeConfig, log: silentLogger() });
  const stop = registerControllers(operator, loadConfig({}), new PollerRegistry());
  try {
    return operator.informers.all.map((informer) => informer.resource);
  } finally {
    await stop();
  }
}

/** group/plural of the three CRDs in crds/. */
function customResources(): Array<{ group: string; plural: string }> {
  return readdirSync(crdSourceDir)
    .filter((file) => file.endsWith(".yaml"))
    .flatMap((file) => parseObjects(readFileSync(join(crdSourceDir, file), "utf8")))
    .map((crd) => {
      const spec = crd["spec"] as { group: string; names: { plural: string } };
      return { group: spec.group, plural: spec.names.plural };
    });
}

/** Resource types of the kinds the controllers render and write: their declared children and the rest they write. */
function renderedChildResources(): ResourceType[] {
  return [
    ...(mediaStackController({ concurrency: 1 }).children ?? []),
    // The stack's cluster-scoped volume, applied without an owner reference.
    builtinResources.PersistentVolume,
    ...(dittoServerController({ concurrency: 1 }).children ?? []),
    // The DittoServer's create-once control-plane Secret and its Percona cluster.
    builtinResources.Secret,
    PerconaPGClusterResource,
  ];
}

const objects = renderChartObjects([], "mp", "mp-system");
const clusterRules = rulesOf(objects.find((object) => object.kind === "ClusterRole"));
const roleRules = rulesOf(objects.find((object) => object.kind === "Role"));

test("every kind a registered controller watches is listable and watchable cluster-wide", async () => {
  const watched = await watchedResources();
  assert.ok(watched.length > 0, "registerControllers registered something");
  for (const resource of watched) {
    for (const verb of ["list", "watch"]) {
      assert.ok(
        allows(clusterRules, resource.group, resource.plural, verb),
        `${verb} ${resource.plural}.${resource.group}`,
      );
    }
  }
});

test("the custom resources can be patched (finalizers) and their status patched", () => {
  for (const { group, plural } of customResources()) {
    for (const verb of ["list", "watch", "patch"])
      assert.ok(allows(clusterRules, group, plural, verb), `${verb} ${plural}`);
    assert.ok(allows(clusterRules, group, `${plural}/status`, "patch"), `patch ${plural}/status`);
    // Only a MediaStack's finalizer deletes custom resources: the stack's Torrents.
    assert.equal(allows(clusterRules, group, plural, "delete"), plural === "torrents", `delete ${plural}`);
  }
});

test("every rendered child kind can be created and patched (server-side apply); Events too", () => {
  for (const resource of renderedChildResources()) {
    for (const verb of ["create", "patch", "list", "watch"]) {
      assert.ok(
        allows(clusterRules, resource.group, resource.plural, verb),
        `${verb} ${resource.plural}.${resource.group}`,
      );
    }
  }
  assert.ok(allows(clusterRules, "", "events", "create") && allows(clusterRules, "", "events", "patch"));
});

test("the leader Lease is granted in the release namespace only, get/update on its own name", () => {
  assert.ok(!clusterRules.some((rule) => rule.resources.includes("leases")), "no cluster-wide leases");
  const role = objects.find((object) => object.kind === "Role");
  assert.equal(role?.metadata.namespace, "mp-system");
  const deployment = objects.find((object) => object.kind === "Deployment") as unknown as {
    spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } };
  };
  const env = deployment.spec.template.spec.containers[0]?.env ?? [];
  const leaseName = env.find((entry) => entry.name === "MEDIAPLANE_LEASE_NAME")?.value;
  assert.ok(leaseName !== undefined);
  assert.ok(allows(roleRules, "coordination.k8s.io", "leases", "create"));
  for (const verb of ["get", "update"]) {
    assert.ok(
      allows(roleRules, "coordination.k8s.io", "leases", verb, leaseName),
      `${verb} lease ${leaseName}`,
    );
    assert.ok(
      !allows(roleRules, "coordination.k8s.io", "leases", verb, "someone-elses-lease"),
      `${verb} other leases`,
    );
  }
});

test("the qBittorrent login ledger ConfigMap is readable and patchable by its own name in the release namespace", () => {
  const deployment = objects.find((object) => object.kind === "Deployment") as unknown as {
    spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } };
  };
  const env = deployment.spec.template.spec.containers[0]?.env ?? [];
  const leaseName = env.find((entry) => entry.name === "MEDIAPLANE_LEASE_NAME")?.value ?? "";
  const ledger = loginLedgerName(leaseName);
  assert.ok(allows(roleRules, "", "configmaps", "create"));
  for (const verb of ["get", "patch"]) {
    assert.ok(allows(roleRules, "", "configmaps", verb, ledger), `${verb} configmap ${ledger}`);
    assert.ok(!allows(roleRules, "", "configmaps", verb, "someone-elses-config"), `${verb} other ConfigMaps`);
  }
});

test("no wildcard and no grant for a kind the operator does not use", () => {
  const used = new Set<string>([
    ...customResources().flatMap(({ group, plural }) => [
      `${group}/${plural}`,
      `${group}/${plural}/status`,
      `${group}/${plural}/finalizers`,
    ]),
    ...renderedChildResources().map((resource) => `${resource.group}/${resource.plural}`),
    "/events",
  ]);
  for (const rule of [...clusterRules, ...roleRules]) {
    assert.ok(
      ![...rule.apiGroups, ...rule.resources, ...rule.verbs].includes("*"),
      `wildcard in ${JSON.stringify(rule)}`,
    );
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        if (resource === "leases") continue;
        assert.ok(used.has(`${group}/${resource}`), `${resource}.${group} is granted but nothing uses it`);
      }
    }
  }
  for (const forbidden of ["pods", "serviceaccounts", "serviceaccounts/token", "namespaces", "nodes"]) {
    assert.ok(!clusterRules.some((rule) => rule.resources.includes(forbidden)), `${forbidden} not granted`);
  }
});
