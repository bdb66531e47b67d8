// computeMediaStackStatus: the MediaStack's status (apps, appsSummary, qbittorrent, storage and the
// StorageReady/AppsReady/RoutesReady conditions) from what the reconcile observed. Ready is the framework's.
import type { V1Deployment, V1Ingress, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { MediaStack, MediaStackStatus } from "../../generated/mediastack.js";
import { computeAppsCondition, deploymentReadiness, type DeploymentReadiness } from "./apps-condition.js";
import type { AppName } from "./catalog.js";
import { conditionFor, type ComputedCondition } from "./condition-reasons.js";
import type { HTTPRoute } from "./gateway-api.js";
import { appObjectName, configClaimName, dataVolumeName, qbittorrentCredentialsSecretName } from "./names.js";
import {
  computeHttpRoutesCondition,
  computeIngressesCondition,
  routingDisabledCondition,
} from "./routes-condition.js";
import {
  appExternalUrl,
  appServiceUrl,
  resolveDataClaimName,
  resolveDataSource,
  resolveEnabledApps,
  resolveRouting,
} from "./stack-settings.js";
import { computeStorageCondition, type ObservedStorage } from "./storage-condition.js";
import { stackIdentity } from "./stack-identity.js";

export {
  mediaStackReasons,
  mediaStackConditionTypes,
  type ComputedCondition,
  type MediaStackConditionType,
} from "./condition-reasons.js";
export type { ObservedDittoServer } from "./storage-condition.js";

/** The stack's children as read from the cache; objects of other names are ignored. */
export interface ObservedMediaStack extends ObservedStorage {
  readonly deployments: readonly V1Deployment[];
  readonly httpRoutes?: readonly HTTPRoute[];
  readonly ingresses?: readonly V1Ingress[];
  /**
   * False when the API server does not serve HTTPRoute (Gateway API CRDs absent): with spec.gateway,
   * RoutesReady is then False with reason GatewayApiNotInstalled. Undefined counts as served.
   */
  readonly gatewayApiServed?: boolean;
  /**
   * The apps' config claims, when observed: an app that is not ready because its config claim is not
   * Bound (no provisioner, unknown class) says so in AppsReady, since its pod cannot be scheduled.
   */
  readonly configClaims?: readonly V1PersistentVolumeClaim[];
}

export interface ComputedMediaStackStatus {
  readonly apps: NonNullable<MediaStackStatus["apps"]>;
  readonly appsSummary: string;
  /** Present while qBittorrent is enabled. */
  readonly qbittorrent?: NonNullable<MediaStackStatus["qbittorrent"]>;
  readonly storage: NonNullable<MediaStackStatus["storage"]>;
  /** StorageReady, AppsReady, RoutesReady, in that order. */
  readonly conditions: readonly ComputedCondition[];
}

function byName<T extends { metadata?: { name?: string } }>(
  objects: readonly T[] | undefined,
  name: string,
): T | undefined {
  return objects?.find((object) => object.metadata?.name === name);
}

/**
 * A pod whose config claim is not Bound cannot be scheduled: name the claim in the app's reason, so
 * AppsReady says why instead of a bare "0/1 ready". Only for apps that are not ready anyway.
 */
function withConfigClaimHint(
  state: DeploymentReadiness,
  claims: readonly V1PersistentVolumeClaim[] | undefined,
  claimName: string,
): DeploymentReadiness {
  if (state.ready || claims === undefined) return state;
  const claim = byName(claims, claimName);
  const phase = claim?.status?.phase;
  if (phase === "Bound") return state;
  const problem = claim
    ? `config claim ${claimName} is ${phase ?? "Pending"}, no volume or provisioner for it yet`
    : `config claim ${claimName} not found yet`;
  return { ...state, waitingFor: state.waitingFor ? `${state.waitingFor}; ${problem}` : problem };
}

export function computeMediaStackStatus(
  stack: MediaStack,
  observed: ObservedMediaStack,
): ComputedMediaStackStatus {
  const { name, namespace } = stackIdentity(stack);
  const routing = resolveRouting(stack.spec);
  const enabled = resolveEnabledApps(stack.spec);

  const readiness = new Map<AppName, DeploymentReadiness>();
  const apps: NonNullable<MediaStackStatus["apps"]> = [];
  for (const app of enabled) {
    const state = withConfigClaimHint(
      deploymentReadiness(byName(observed.deployments, appObjectName(name, app.name))),
      observed.configClaims,
      configClaimName(name, app.name),
    );
    readiness.set(app.name, state);
    apps.push({
      name: app.name,
      ready: state.ready,
      replicas: state.replicas,
      readyReplicas: state.readyReplicas,
      image: app.image,
      url: appExternalUrl(app, routing) ?? appServiceUrl(name, namespace, app.name),
    });
  }
  const readyCount = [...readiness.values()].filter((state) => state.ready).length;

  let routes: ComputedCondition<"RoutesReady">;
  if (routing.kind === "gateway" && observed.gatewayApiServed === false) {
    routes = conditionFor(
      "RoutesReady",
      "GatewayApiNotInstalled",
      "spec.gateway is set but this cluster does not serve gateway.networking.k8s.io/v1 HTTPRoute: " +
        "install the Gateway API CRDs, or use spec.ingress instead",
    );
  } else if (routing.kind === "gateway") {
    const observedRoutes = new Map(
      enabled.map((app) => [app.name, byName(observed.httpRoutes, appObjectName(name, app.name))] as const),
    );
    routes = computeHttpRoutesCondition(observedRoutes, namespace);
  } else if (routing.kind === "ingress") {
    const observedIngresses = new Map(
      enabled.map((app) => [app.name, byName(observed.ingresses, appObjectName(name, app.name))] as const),
    );
    routes = computeIngressesCondition(observedIngresses);
  } else {
    routes = routingDisabledCondition();
  }

  const rendersVolume = resolveDataSource(stack.spec).kind !== "existingClaim";
  const qbittorrent = readiness.get("qbittorrent");
  return {
    apps,
    appsSummary: `${readyCount}/${enabled.length}`,
    ...(qbittorrent
      ? {
          qbittorrent: {
            url: appServiceUrl(name, namespace, "qbittorrent"),
            credentialsSecret: qbittorrentCredentialsSecretName(name),
            ready: qbittorrent.ready,
          },
        }
      : {}),
    storage: {
      ...(rendersVolume ? { persistentVolumeName: dataVolumeName(namespace, name) } : {}),
      claimName: resolveDataClaimName(name, stack.spec),
    },
    conditions: [computeStorageCondition(stack, observed), computeAppsCondition(readiness), routes],
  };
}
