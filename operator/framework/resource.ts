// Names a Kubernetes resource type and builds its REST paths; every API call in the
// framework goes through these, so no code guesses a plural or a URL by hand.
import type { KubernetesObject } from "@kubernetes/client-node";

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export function apiVersionOf(resource: ResourceType): string {
  return resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
}

/** Collection path: all namespaces when `namespace` is undefined. */
export function collectionPath(resource: ResourceType, namespace?: string): string {
  const base =
    resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const scope = resource.namespaced && namespace !== undefined ? `/namespaces/${namespace}` : "";
  return `${base}${scope}/${resource.plural}`;
}

export function objectPath(resource: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;
}

/** The cache and queue key of an object: "namespace/name", or "name" when cluster-scoped. */
export function objectKey(object: Pick<KubernetesObject, "metadata">): string {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? "";
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Built-in kinds the controllers read or render; a child's apiVersion/kind resolves through this table. */
export const builtinResources = {
  Namespace: { group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false },
  ConfigMap: { group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true },
  Secret: { group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true },
  Service: { group: "", version: "v1", plural: "services", kind: "Service", namespaced: true },
  Event: { group: "", version: "v1", plural: "events", kind: "Event", namespaced: true },
  Pod: { group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true },
  PersistentVolumeClaim: {
    group: "",
    version: "v1",
    plural: "persistentvolumeclaims",
    kind: "PersistentVolumeClaim",
    namespaced: true,
  },
  PersistentVolume: {
    group: "",
    version: "v1",
    plural: "persistentvolumes",
    kind: "PersistentVolume",
    namespaced: false,
  },
  ServiceAccount: {
    group: "",
    version: "v1",
    plural: "serviceaccounts",
    kind: "ServiceAccount",
    namespaced: true,
  },
  Deployment: { group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true },
  StatefulSet: {
    group: "apps",
    version: "v1",
    plural: "statefulsets",
    kind: "StatefulSet",
    namespaced: true,
  },
  Job: { group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true },
  Lease: { group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true },
  NetworkPolicy: {
    group: "networking.k8s.io",
    version: "v1",
    plural: "networkpolicies",
    kind: "NetworkPolicy",
    namespaced: true,
  },
  Ingress: {
    group: "networking.k8s.io",
    version: "v1",
    plural: "ingresses",
    kind: "Ingress",
    namespaced: true,
  },
  HTTPRoute: {
    group: "gateway.networking.k8s.io",
    version: "v1",
    plural: "httproutes",
    kind: "HTTPRoute",
    namespaced: true,
  },
  /** prometheus-operator's; optional like HTTPRoute: unserved (and so never written) while its CRD is absent. */
  ServiceMonitor: {
    group: "monitoring.coreos.com",
    version: "v1",
    plural: "servicemonitors",
    kind: "ServiceMonitor",
    namespaced: true,
  },
} as const satisfies Record<string, ResourceType>;

/** Finds the resource type for an object's apiVersion and kind among `known`. */
export function resourceFor(
  object: Pick<KubernetesObject, "apiVersion" | "kind">,
  known: Iterable<ResourceType>,
): ResourceType {
  for (const resource of known) {
    if (apiVersionOf(resource) === object.apiVersion && resource.kind === object.kind) return resource;
  }
  throw new Error(
    `unknown resource ${object.apiVersion ?? "?"} ${object.kind ?? "?"}: register it with the operator`,
  );
}
