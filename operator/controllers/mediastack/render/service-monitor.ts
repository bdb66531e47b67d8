// Renders the stack's prometheus-operator ServiceMonitor (spec.monitoring): the `monitoring` port of every
// app Service of this stack. The framework skips it while the monitoring.coreos.com CRD is not served.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import type { MonitoringSettings } from "../monitoring-settings.js";
import { monitoringPortName, serviceMonitorName, sharedLabels, stackLabels } from "../names.js";
import { stackIdentity } from "../stack-identity.js";

interface RelabelConfig {
  sourceLabels: string[];
  targetLabel: string;
}

export interface StackServiceMonitor extends KubernetesObject {
  apiVersion: "monitoring.coreos.com/v1";
  kind: "ServiceMonitor";
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    endpoints: Array<{ port: string; path: string; interval?: string; relabelings: RelabelConfig[] }>;
  };
}

/**
 * Targets get `stack` (the MediaStack) and `app` labels from the Service's labels, which the stack
 * dashboard filters by; exportarr's own `url` label is localhost in every pod and names nothing.
 */
const relabelings: RelabelConfig[] = [
  { sourceLabels: ["__meta_kubernetes_service_label_app_kubernetes_io_instance"], targetLabel: "stack" },
  { sourceLabels: ["__meta_kubernetes_service_label_app_kubernetes_io_name"], targetLabel: "app" },
];

/** Null when monitoring is off or no app has an exporter (a ServiceMonitor with no target helps no one). */
export function renderServiceMonitor(
  stack: MediaStack,
  monitoring: MonitoringSettings,
): StackServiceMonitor | null {
  if (!monitoring.enabled || monitoring.exporters.length === 0) return null;
  const { name, namespace } = stackIdentity(stack);
  // Every exporter serves /metrics (exporter-catalog.ts); one endpoint covers them all.
  const path = monitoring.exporters[0]?.catalog.metricsPath ?? "/metrics";
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: serviceMonitorName(name), namespace, labels: sharedLabels(name, "monitoring") },
    spec: {
      // Every object of the stack carries these; of its Services only those with an exporter have the port.
      selector: { matchLabels: stackLabels(name) },
      namespaceSelector: { matchNames: [namespace] },
      endpoints: [
        {
          port: monitoringPortName,
          path,
          ...(monitoring.interval === undefined ? {} : { interval: monitoring.interval }),
          relabelings,
        },
      ],
    },
  };
}
