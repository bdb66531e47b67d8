// Renders one app's networking.k8s.io/v1 Ingress, the alternative to an HTTPRoute for clusters
// without the Gateway API (the Traefik setup of seed 003).
import type { V1Ingress } from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import { appLabels, appObjectName } from "../names.js";
import type { ResolvedApp } from "../stack-settings.js";
import { stackIdentity } from "../stack-identity.js";

export function renderIngress(stack: MediaStack, app: ResolvedApp): V1Ingress {
  const { name: stackName, namespace } = stackIdentity(stack);
  const ingress = stack.spec.ingress;
  if (!ingress || app.hostname === undefined)
    throw new Error(`renderIngress(${app.name}): the stack has no ingress`);
  const name = appObjectName(stackName, app.name);
  const annotations = ingress.annotations ?? {};
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name,
      namespace,
      labels: appLabels(stackName, app.name),
      ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
    },
    spec: {
      ...(ingress.className !== undefined ? { ingressClassName: ingress.className } : {}),
      ...(ingress.tlsSecretName !== undefined
        ? { tls: [{ hosts: [app.hostname], secretName: ingress.tlsSecretName }] }
        : {}),
      rules: [
        {
          host: app.hostname,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name, port: { number: app.catalog.port } } },
              },
            ],
          },
        },
      ],
    },
  };
}
