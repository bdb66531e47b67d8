// ServiceMonitorReady: what spec.monitoring got, the exporters beside their apps and the ServiceMonitor,
// from whether the monitoring.coreos.com CRD is served. Never part of Ready; absent while monitoring is off.
import { conditionFor, type ComputedCondition } from "./condition-reasons.js";
import type { MonitoringSettings } from "./monitoring-settings.js";
import { serviceMonitorName } from "./names.js";

/** Names what was left out (Bazarr without its key) so a missing exporter is never a silent one. */
function skippedNote(monitoring: MonitoringSettings): string {
  if (monitoring.skipped.length === 0) return "";
  return `; no exporter for ${monitoring.skipped.map((skip) => `${skip.app} (${skip.why})`).join(", ")}`;
}

/** Undefined while spec.monitoring is off: the condition is then removed. */
export function computeServiceMonitorCondition(
  stackName: string,
  monitoring: MonitoringSettings,
  serviceMonitorServed: boolean,
): ComputedCondition<"ServiceMonitorReady"> | undefined {
  if (!monitoring.enabled) return undefined;
  const apps = monitoring.exporters.map((exporter) => exporter.app.name).join(", ");
  if (monitoring.exporters.length === 0) {
    return conditionFor(
      "ServiceMonitorReady",
      "NoExporters",
      `spec.monitoring.enabled, but no enabled app has an exporter: no ServiceMonitor${skippedNote(monitoring)}`,
    );
  }
  if (!serviceMonitorServed) {
    return conditionFor(
      "ServiceMonitorReady",
      "PrometheusOperatorNotInstalled",
      `spec.monitoring.enabled, but the monitoring.coreos.com ServiceMonitor CRD is not installed: no ServiceMonitor ` +
        `is created (the exporters of ${apps} run and serve their Services' monitoring ports)${skippedNote(monitoring)}`,
    );
  }
  return conditionFor(
    "ServiceMonitorReady",
    "ServiceMonitorApplied",
    `ServiceMonitor ${serviceMonitorName(stackName)} scrapes the monitoring ports of ${apps}${skippedNote(monitoring)}`,
  );
}
