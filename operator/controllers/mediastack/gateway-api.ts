// The few Gateway API (gateway.networking.k8s.io/v1) HTTPRoute types the stack renders and reads
// status from; @kubernetes/client-node ships none, and a dependency for four interfaces is not worth it.
import type { V1Condition, V1ObjectMeta } from "@kubernetes/client-node";

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface HTTPBackendRef {
  name: string;
  port: number;
}

export interface HTTPRouteSpec {
  parentRefs: ParentReference[];
  hostnames: string[];
  rules: Array<{ backendRefs: HTTPBackendRef[] }>;
}

/** One gateway controller's view of one parent: `Accepted` and `ResolvedRefs` among its conditions. */
export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions?: V1Condition[];
}

export interface HTTPRoute {
  apiVersion: "gateway.networking.k8s.io/v1";
  kind: "HTTPRoute";
  metadata: V1ObjectMeta;
  spec: HTTPRouteSpec;
  status?: { parents?: RouteParentStatus[] };
}
