// Renders one app's Gateway API HTTPRoute: the stack's parentRefs, the app's host name and its
// Service as the backend (cert-manager's generateHTTPRouteSpec is the model: pure and tested directly).
import type { MediaStack } from "../../../generated/mediastack.js";
import type { HTTPRoute, ParentReference } from "../gateway-api.js";
import { appLabels, appObjectName } from "../names.js";
import type { GatewayParentRef, ResolvedApp } from "../stack-settings.js";
import { stackIdentity } from "../stack-identity.js";

/** Copies only the fields the user set, in a fixed order, so the route is stable byte for byte. */
function renderParentRef(ref: GatewayParentRef): ParentReference {
  return {
    ...(ref.group !== undefined ? { group: ref.group } : {}),
    ...(ref.kind !== undefined ? { kind: ref.kind } : {}),
    ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
    name: ref.name,
    ...(ref.sectionName !== undefined ? { sectionName: ref.sectionName } : {}),
    ...(ref.port !== undefined ? { port: ref.port } : {}),
  };
}

export function renderHttpRoute(stack: MediaStack, app: ResolvedApp): HTTPRoute {
  const { name: stackName, namespace } = stackIdentity(stack);
  const gateway = stack.spec.gateway;
  if (!gateway || app.hostname === undefined) {
    throw new Error(`renderHttpRoute(${app.name}): the stack has no gateway`);
  }
  const name = appObjectName(stackName, app.name);
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace, labels: appLabels(stackName, app.name) },
    spec: {
      parentRefs: gateway.parentRefs.map(renderParentRef),
      hostnames: [app.hostname],
      // No matches: the API server defaults them to PathPrefix "/", the whole host goes to the app.
      rules: [{ backendRefs: [{ name, port: app.catalog.port }] }],
    },
  };
}
