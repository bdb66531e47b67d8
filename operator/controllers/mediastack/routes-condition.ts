// RoutesReady: every HTTPRoute Accepted with ResolvedRefs by each of its parents for its current
// generation (no status.parents entry = not seen yet); Ingresses only have to exist.
import type { V1Condition, V1Ingress } from "@kubernetes/client-node";
import type { AppName } from "./catalog.js";
import { conditionFor, type ComputedCondition } from "./condition-reasons.js";
import type { HTTPRoute, ParentReference, RouteParentStatus } from "./gateway-api.js";

const gatewayGroup = "gateway.networking.k8s.io";

function sameParent(a: ParentReference, b: ParentReference, routeNamespace: string): boolean {
  return (
    (a.group || gatewayGroup) === (b.group || gatewayGroup) &&
    (a.kind ?? "Gateway") === (b.kind ?? "Gateway") &&
    (a.namespace ?? routeNamespace) === (b.namespace ?? routeNamespace) &&
    a.name === b.name &&
    (a.sectionName ?? "") === (b.sectionName ?? "") &&
    (a.port ?? 0) === (b.port ?? 0)
  );
}

function parentLabel(parent: ParentReference, routeNamespace: string): string {
  const section = parent.sectionName ? `/${parent.sectionName}` : "";
  return `${parent.namespace ?? routeNamespace}/${parent.name}${section}`;
}

/** The worst problem names the condition's reason. */
const severity = { RouteNotAccepted: 3, RouteRefsUnresolved: 2, RoutesPending: 1 } as const;
type RouteProblemReason = keyof typeof severity;
type Problem = { readonly reason: RouteProblemReason; readonly text: string };

function current(
  condition: V1Condition | undefined,
  generation: number | undefined,
): V1Condition | undefined {
  if (!condition) return undefined;
  if (
    generation !== undefined &&
    condition.observedGeneration !== undefined &&
    condition.observedGeneration < generation
  ) {
    return undefined;
  }
  return condition;
}

function parentProblems(
  label: string,
  entries: readonly RouteParentStatus[],
  generation: number | undefined,
): Problem[] {
  if (entries.length === 0)
    return [{ reason: "RoutesPending", text: `${label}: no status from a gateway controller yet` }];
  const problems: Problem[] = [];
  for (const entry of entries) {
    const accepted = current(
      entry.conditions?.find((c) => c.type === "Accepted"),
      generation,
    );
    const resolved = current(
      entry.conditions?.find((c) => c.type === "ResolvedRefs"),
      generation,
    );
    if (accepted?.status === "False") {
      problems.push({
        reason: "RouteNotAccepted",
        text: `${label}: not accepted (${accepted.reason}: ${accepted.message})`,
      });
    } else if (resolved?.status === "False") {
      problems.push({
        reason: "RouteRefsUnresolved",
        text: `${label}: references unresolved (${resolved.reason}: ${resolved.message})`,
      });
    } else if (accepted?.status !== "True" || resolved?.status !== "True") {
      problems.push({
        reason: "RoutesPending",
        text: `${label}: not reported for the current generation yet`,
      });
    }
  }
  return problems;
}

/** `routes` maps each enabled app to its observed HTTPRoute (undefined: not created yet). */
export function computeHttpRoutesCondition(
  routes: ReadonlyMap<AppName, HTTPRoute | undefined>,
  routeNamespace: string,
): ComputedCondition<"RoutesReady"> {
  const problems: Problem[] = [];
  for (const [app, route] of routes) {
    if (!route) {
      problems.push({ reason: "RoutesPending", text: `${app}: HTTPRoute not created yet` });
      continue;
    }
    const statuses = route.status?.parents ?? [];
    for (const parent of route.spec.parentRefs) {
      const entries = statuses.filter((entry) => sameParent(entry.parentRef, parent, routeNamespace));
      const label = `${app} via ${parentLabel(parent, routeNamespace)}`;
      problems.push(...parentProblems(label, entries, route.metadata.generation));
    }
  }
  if (problems.length === 0) {
    return conditionFor("RoutesReady", "RoutesAccepted", `${routes.size} HTTPRoutes accepted`);
  }
  const worst = problems.reduce((a, b) => (severity[b.reason] > severity[a.reason] ? b : a));
  const shown = problems.slice(0, 5).map((problem) => problem.text);
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : "";
  return conditionFor("RoutesReady", worst.reason, `${shown.join("; ")}${more}`);
}

export function computeIngressesCondition(
  ingresses: ReadonlyMap<AppName, V1Ingress | undefined>,
): ComputedCondition<"RoutesReady"> {
  const missing = [...ingresses].filter(([, ingress]) => !ingress).map(([app]) => app);
  if (missing.length === 0)
    return conditionFor("RoutesReady", "IngressesCreated", `${ingresses.size} Ingresses exist`);
  return conditionFor("RoutesReady", "RoutesPending", `Ingress not created yet for ${missing.join(", ")}`);
}

export function routingDisabledCondition(): ComputedCondition<"RoutesReady"> {
  return conditionFor(
    "RoutesReady",
    "RoutingDisabled",
    "no gateway or ingress: apps are reached through their Services",
  );
}
