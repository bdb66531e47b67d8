// Renders Service <name>-metrics for Prometheus when metrics are enabled; null otherwise, and the
// reconcile deletes a stale one (render/index.ts lists it as prunable).
import type { V1Service } from "@kubernetes/client-node";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { commonLabels, dittoServerNames, selectorLabels } from "../names.js";
import { METRICS_PATH, PORT_NAMES } from "../pod-layout.js";
import { resolveServerSettings } from "../settings.js";

/** ClusterIP Service `<name>-metrics` with prometheus.io scrape annotations, or null when disabled. */
export function renderMetricsService(server: DittoServer): V1Service | null {
  const settings = resolveServerSettings(server);
  if (!settings.metrics.enabled) return null;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: dittoServerNames.metricsService(server),
      namespace: settings.namespace,
      labels: commonLabels(server, "metrics"),
      annotations: {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": String(settings.metrics.port),
        "prometheus.io/path": METRICS_PATH,
      },
    },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(server),
      ports: [
        {
          name: PORT_NAMES.metrics,
          port: settings.metrics.port,
          targetPort: PORT_NAMES.metrics,
          protocol: "TCP",
        },
      ],
    },
  };
}
