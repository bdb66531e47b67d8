// Renders the prometheus-operator ServiceMonitor `<name>` for the `<name>-metrics` Service when
// metrics.serviceMonitor.enabled; null otherwise. The framework skips it while its CRD is not served.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { commonLabels, dittoServerNames } from "../names.js";
import { METRICS_PATH, PORT_NAMES } from "../pod-layout.js";
import { resolveServerSettings } from "../settings.js";

export interface ServiceMonitor extends KubernetesObject {
  apiVersion: "monitoring.coreos.com/v1";
  kind: "ServiceMonitor";
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: Array<{ port: string; path: string; interval?: string }>;
  };
}

export function renderServiceMonitor(server: DittoServer): ServiceMonitor | null {
  const settings = resolveServerSettings(server);
  const monitor = settings.metrics.serviceMonitor;
  if (monitor === undefined) return null;
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: {
      name: dittoServerNames.serviceMonitor(server),
      namespace: settings.namespace,
      // The user's labels first: ours say who owns it and must not be overridden.
      labels: { ...monitor.labels, ...commonLabels(server, "metrics") },
    },
    spec: {
      // The metrics Service's labels: only it carries component=metrics for this instance.
      selector: { matchLabels: commonLabels(server, "metrics") },
      endpoints: [
        {
          port: PORT_NAMES.metrics,
          path: METRICS_PATH,
          ...(monitor.interval === undefined ? {} : { interval: monitor.interval }),
        },
      ],
    },
  };
}
