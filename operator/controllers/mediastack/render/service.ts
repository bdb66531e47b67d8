// Renders one app's ClusterIP Service. Its port equals the container port: qBittorrent refuses a
// Host header whose port differs from its WebUI port, and one number per app is easier to reason about.
import type { V1Service } from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import type { ResolvedExporter } from "../monitoring-settings.js";
import { appLabels, appObjectName, appSelectorLabels, httpPortName, monitoringPortName } from "../names.js";
import type { ResolvedApp } from "../stack-settings.js";
import { stackIdentity } from "../stack-identity.js";

/** With `exporter` (spec.monitoring) the Service also has the `monitoring` port the ServiceMonitor scrapes. */
export function renderService(stack: MediaStack, app: ResolvedApp, exporter?: ResolvedExporter): V1Service {
  const { name: stackName, namespace } = stackIdentity(stack);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: appObjectName(stackName, app.name), namespace, labels: appLabels(stackName, app.name) },
    spec: {
      type: "ClusterIP",
      selector: appSelectorLabels(stackName, app.name),
      ports: [
        { name: httpPortName, port: app.catalog.port, targetPort: httpPortName, protocol: "TCP" },
        ...(exporter
          ? [
              {
                name: monitoringPortName,
                port: exporter.catalog.port,
                targetPort: monitoringPortName,
                protocol: "TCP",
              },
            ]
          : []),
      ],
    },
  };
}
