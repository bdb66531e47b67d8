// The resource types of everything a DittoServer renders, for cache lookups and writes; Percona's
// kind is not built in, so main.ts registers it with the Operator through dittoServerExtraResources.
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

/** Kinds beyond the built-ins that DittoServer children have; pass them to the Operator's extraResources. */
export const dittoServerExtraResources: readonly ResourceType[] = [PerconaPGClusterResource];

/** Every kind renderDittoServer produces (DITTOSERVER_CHILD_KINDS), as resource types. */
export const dittoServerChildResources: readonly ResourceType[] = [
  builtinResources.Secret,
  builtinResources.ConfigMap,
  PerconaPGClusterResource,
  builtinResources.Service,
  builtinResources.StatefulSet,
];
