// Status computation: StorageReady, AppsReady and RoutesReady from observed children, the apps list,
// appsSummary and the qbittorrent endpoint; and the reason table as the single source of reasons.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { V1Condition, V1Deployment, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { HTTPRoute, ParentReference } from "../../../operator/controllers/mediastack/gateway-api.js";
import {
  computeMediaStackStatus,
  mediaStackReasons,
  mediaStackConditionTypes,
  type ComputedCondition,
  type ObservedMediaStack,
} from "../../../operator/controllers/mediastack/status.js";
import { renderWithDefaults, loadSample, repoRoot, stackWith } from "./fixtures.js";

const seed = loadSample("seed-002-nfs-gateway.yaml");
const seedApps = ["prowlarr", "sonarr", "radarr", "qbittorrent", "jellyfin"];

function availableDeployment(name: string, generation = 1): V1Deployment {
  return {
    metadata: { name, generation },
    spec: { replicas: 1, selector: {}, template: {} },
    status: {
      observedGeneration: generation,
      replicas: 1,
      readyReplicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
    },
  };
}

function boundClaim(name: string, volumeName: string): V1PersistentVolumeClaim {
  return { metadata: { name }, spec: { volumeName }, status: { phase: "Bound" } };
}

interface RouteStatusOptions {
  readonly generation?: number;
  readonly parentRef?: ParentReference;
  readonly accepted?: Pick<V1Condition, "status" | "reason" | "message">;
  readonly resolvedRefs?: Pick<V1Condition, "status" | "reason" | "message">;
}

/** One gateway controller's status for the route's parent; Accepted and ResolvedRefs True unless told. */
function routeStatus(options: RouteStatusOptions = {}): HTTPRoute["status"] {
  const generation = options.generation ?? 1;
  const condition = (
    type: string,
    given?: Pick<V1Condition, "status" | "reason" | "message">,
  ): V1Condition => ({
    type,
    status: "True",
    reason: type,
    message: "",
    ...given,
    lastTransitionTime: new Date(0),
    observedGeneration: generation,
  });
  return {
    parents: [
      {
        parentRef: options.parentRef ?? { name: "homelab-gateway", namespace: "gateway" },
        controllerName: "example.net/gateway",
        conditions: [
          condition("Accepted", options.accepted),
          condition("ResolvedRefs", options.resolvedRefs),
        ],
      },
    ],
  };
}

/** The seed stack's routes as rendered, with the given status (and generation). */
function routes(status: HTTPRoute["status"] | undefined, generation = 1): HTTPRoute[] {
  return renderWithDefaults(seed)
    .children.filter((o): o is HTTPRoute => o.kind === "HTTPRoute")
    .map((route) => ({
      ...route,
      metadata: { ...route.metadata, generation },
      ...(status ? { status } : {}),
    }));
}

function allGood(): ObservedMediaStack {
  return {
    deployments: seedApps.map((app) => availableDeployment(`arr-${app}`)),
    dataClaim: boundClaim("arr-data", "mediaplane-media.arr-data"),
    dataVolume: { metadata: { name: "mediaplane-media.arr-data" }, status: { phase: "Bound" } },
    httpRoutes: routes(routeStatus()),
  };
}

function condition(conditions: readonly ComputedCondition[], type: string): ComputedCondition {
  const found = conditions.find((c) => c.type === type);
  assert.ok(found, `no ${type}`);
  return found;
}

test("everything observed healthy: all three conditions True, 5/5, URLs and the qBittorrent endpoint", () => {
  const status = computeMediaStackStatus(seed, allGood());
  assert.deepEqual(
    status.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`),
    ["StorageReady=True/ClaimBound", "AppsReady=True/AppsAvailable", "RoutesReady=True/RoutesAccepted"],
  );
  assert.equal(status.appsSummary, "5/5");
  assert.deepEqual(
    status.apps.map((app) => [app.name, app.url]),
    [
      ["prowlarr", "https://prowlarr.k8s.rommelporras.com"],
      ["sonarr", "https://sonarr.k8s.rommelporras.com"],
      ["radarr", "https://radarr.k8s.rommelporras.com"],
      ["qbittorrent", "https://qbit.k8s.rommelporras.com"],
      ["jellyfin", "https://jellyfin.k8s.rommelporras.com"],
    ],
  );
  assert.deepEqual(status.qbittorrent, {
    url: "http://arr-qbittorrent.media.svc.cluster.local:8080",
    credentialsSecret: "arr-qbittorrent-credentials",
    ready: true,
  });
  assert.deepEqual(status.storage, {
    persistentVolumeName: "mediaplane-media.arr-data",
    claimName: "arr-data",
  });
});

test("nothing observed yet: storage, apps and routes all wait, with messages that say on what", () => {
  const status = computeMediaStackStatus(seed, { deployments: [] });
  const storage = condition(status.conditions, "StorageReady");
  assert.equal(storage.reason, "ClaimNotFound");
  const apps = condition(status.conditions, "AppsReady");
  assert.equal(apps.reason, "AppsNotReady");
  assert.match(apps.message, /^0\/5 apps available; waiting for prowlarr \(not created yet\)/);
  const routesReady = condition(status.conditions, "RoutesReady");
  assert.equal(routesReady.status, "False");
  assert.equal(routesReady.reason, "RoutesPending");
  assert.equal(status.appsSummary, "0/5");
  assert.equal(status.qbittorrent?.ready, false);
});

test("StorageReady follows the claim's phase and the volume's", () => {
  const reason = (observed: Partial<ObservedMediaStack>): string =>
    condition(computeMediaStackStatus(seed, { ...allGood(), ...observed }).conditions, "StorageReady").reason;
  assert.equal(
    reason({ dataClaim: { metadata: { name: "arr-data" }, status: { phase: "Pending" } } }),
    "ClaimPending",
  );
  assert.equal(
    reason({ dataClaim: { metadata: { name: "arr-data" }, status: { phase: "Lost" } } }),
    "ClaimLost",
  );
  assert.equal(
    reason({
      dataClaim: { metadata: { name: "arr-data" }, status: { phase: "Pending" } },
      dataVolume: { metadata: { name: "mediaplane-media.arr-data" }, status: { phase: "Released" } },
    }),
    "VolumeReleased",
  );
  assert.equal(
    reason({
      dataVolume: {
        metadata: { name: "mediaplane-media.arr-data" },
        status: { phase: "Failed", message: "x" },
      },
    }),
    "VolumeFailed",
  );
  assert.equal(reason({ dataClaim: boundClaim("someone-else", "x") }), "ClaimNotFound");
});

test("StorageReady waits for a DittoServer first, then its claim", () => {
  const stack = stackWith({ storage: { data: { dittoServerRef: { name: "library" } } } });
  const storage = (observed: Partial<ObservedMediaStack>): ComputedCondition =>
    condition(computeMediaStackStatus(stack, { deployments: [], ...observed }).conditions, "StorageReady");
  assert.equal(storage({}).reason, "DittoServerNotFound");
  const notReady = storage({ dittoServer: { found: true, ready: false, message: "DatabaseReady is False" } });
  assert.equal(notReady.reason, "WaitingForDittoServer");
  assert.match(notReady.message, /library: DatabaseReady is False/);
  assert.equal(storage({ dittoServer: { found: true, ready: true } }).reason, "ClaimNotFound");
  const bound = storage({
    dittoServer: { found: true, ready: true },
    dataClaim: boundClaim("arr-data", "v"),
  });
  assert.equal(bound.reason, "ClaimBound");
});

test("an existing claim: status names it and no volume", () => {
  const stack = loadSample("existing-claim-ingress.yaml");
  const status = computeMediaStackStatus(stack, {
    deployments: [],
    dataClaim: boundClaim("media-library", "pvc-123"),
  });
  assert.deepEqual(status.storage, { claimName: "media-library" });
  assert.equal(
    condition(status.conditions, "StorageReady").message,
    "PersistentVolumeClaim media-library is bound to pvc-123",
  );
});

test("AppsReady: a stale generation or a missing replica is not ready; a progress deadline is RolloutStalled", () => {
  const observed = allGood();
  const withSonarr = (sonarr: V1Deployment): ComputedCondition =>
    condition(
      computeMediaStackStatus(seed, {
        ...observed,
        deployments: observed.deployments.map((d) => (d.metadata?.name === "arr-sonarr" ? sonarr : d)),
      }).conditions,
      "AppsReady",
    );
  const stale = {
    ...availableDeployment("arr-sonarr", 2),
    status: { ...availableDeployment("arr-sonarr").status },
  };
  assert.match(withSonarr(stale).message, /sonarr \(rollout not observed yet\)/);
  const unready = availableDeployment("arr-sonarr");
  unready.status = {
    observedGeneration: 1,
    replicas: 1,
    readyReplicas: 0,
    updatedReplicas: 1,
    availableReplicas: 0,
  };
  const message = withSonarr(unready).message;
  assert.equal(message, "4/5 apps available; waiting for sonarr (0/1 ready)");
  const stalled = availableDeployment("arr-sonarr");
  stalled.status = {
    ...unready.status,
    conditions: [
      {
        type: "Progressing",
        status: "False",
        reason: "ProgressDeadlineExceeded",
        message: 'ReplicaSet "x" has timed out progressing.',
      },
    ],
  };
  assert.equal(withSonarr(stalled).reason, "RolloutStalled");
});

test("RoutesReady: no parent status yet is pending, Accepted=False and ResolvedRefs=False are named, old generations do not count", () => {
  const routesReady = (httpRoutes: HTTPRoute[]): ComputedCondition =>
    condition(computeMediaStackStatus(seed, { ...allGood(), httpRoutes }).conditions, "RoutesReady");

  const pending = routesReady(routes(undefined));
  assert.equal(pending.reason, "RoutesPending");
  assert.match(
    pending.message,
    /prowlarr via gateway\/homelab-gateway: no status from a gateway controller yet/,
  );
  assert.equal(pending.message.split("; ").length, 5);

  const otherParent = routeStatus({ parentRef: { name: "other-gateway", namespace: "gateway" } });
  assert.equal(routesReady(routes(otherParent)).reason, "RoutesPending");

  assert.equal(
    routesReady(routes(routeStatus({ generation: 1 }), 2)).reason,
    "RoutesPending",
    "status for generation 1 of a generation-2 route",
  );

  const refused = routeStatus({
    accepted: {
      status: "False",
      reason: "NotAllowedByListeners",
      message: "no listener allows this namespace",
    },
  });
  const notAccepted = routesReady(routes(refused));
  assert.equal(notAccepted.reason, "RouteNotAccepted");
  assert.match(notAccepted.message, /NotAllowedByListeners: no listener allows this namespace/);

  const unresolved = routeStatus({
    resolvedRefs: { status: "False", reason: "BackendNotFound", message: "service not found" },
  });
  assert.equal(routesReady(routes(unresolved)).reason, "RouteRefsUnresolved");
});

test("RoutesReady with ingresses (they only have to exist) and without any routing", () => {
  const stack = loadSample("existing-claim-ingress.yaml");
  const rendered = renderWithDefaults(stack).children.filter((o) => o.kind === "Ingress");
  const withAll = computeMediaStackStatus(stack, { deployments: [], ingresses: rendered });
  assert.equal(condition(withAll.conditions, "RoutesReady").reason, "IngressesCreated");
  assert.equal(withAll.apps[0]?.url, "https://prowlarr.media.example.org");
  const withSome = computeMediaStackStatus(stack, { deployments: [], ingresses: rendered.slice(1) });
  assert.equal(condition(withSome.conditions, "RoutesReady").message, "Ingress not created yet for prowlarr");

  const minimal = computeMediaStackStatus(loadSample("minimal.yaml"), { deployments: [] });
  assert.equal(condition(minimal.conditions, "RoutesReady").reason, "RoutingDisabled");
  assert.equal(minimal.apps[0]?.url, "http://minimal-prowlarr.media.svc.cluster.local:9696");
});

test("only enabled apps are counted and listed; no qbittorrent status without qBittorrent", () => {
  const stack = stackWith({
    storage: { data: { existingClaim: "library" } },
    apps: { qbittorrent: { enabled: false }, bazarr: { enabled: true } },
  });
  const status = computeMediaStackStatus(stack, { deployments: [availableDeployment("arr-bazarr")] });
  assert.equal(status.appsSummary, "1/5");
  assert.deepEqual(
    status.apps.map((app) => app.name),
    ["prowlarr", "sonarr", "radarr", "jellyfin", "bazarr"],
  );
  assert.equal(status.qbittorrent, undefined);
});

test("every reason's status in the table matches what the conditions report, and docs list every reason", () => {
  assert.deepEqual(
    [...mediaStackConditionTypes, "Wired", "ServiceMonitorReady", "Finalizing"],
    Object.keys(mediaStackReasons),
  );
  const docs = readFileSync(join(repoRoot, "docs", "mediastack.md"), "utf8");
  for (const [type, reasons] of Object.entries(mediaStackReasons)) {
    for (const [reason, entry] of Object.entries(reasons)) {
      assert.ok(
        docs.includes(`| ${type} | ${entry.status} | \`${reason}\` |`),
        `docs/mediastack.md lacks ${type}/${reason}`,
      );
    }
  }
});
