// The kinds a DittoServer renders that are not built in (the Percona Operator's cluster, prometheus-operator's
// ServiceMonitor): main.ts registers them with the Operator through dittoServerExtraResources.
import { builtinResources, type ResourceType } from "../../framework/resource.js";
import { PERCONA_API_VERSION, PERCONA_KIND } from "./render/percona-cluster.js";

const [perconaGroup = "", perconaVersion = ""] = PERCONA_API_VERSION.split("/");

/** The Percona Operator's cluster kind; optional: while its CRD is absent the cache is empty and unserved. */
export const PerconaPGClusterResource = {
  group: perconaGroup,
  version: perconaVersion,
  plural: "perconapgclusters",
  kind: PERCONA_KIND,
  namespaced: true,
} as const satisfies ResourceType;

/**
 * prometheus-operator's ServiceMonitor; optional like Percona's: unserved while its CRD is absent. The
 * framework's table holds it, since the MediaStack renders one too.
 */
export const ServiceMonitorResource = builtinResources.ServiceMonitor;

/** Kinds beyond the built-ins that DittoServer children have; pass them to the Operator's extraResources. */
export const dittoServerExtraResources: readonly ResourceType[] = [
  PerconaPGClusterResource,
  ServiceMonitorResource,
];
