// Resolves spec.monitoring against the exporter catalog: which enabled apps get which exporter and
// image, which are left out and why (status names them), and the ServiceMonitor's interval.
import type { MediaStackSpec } from "../../generated/mediastack.js";
import type { AppName } from "./catalog.js";
import {
  appExporters,
  exporterCatalog,
  type ExporterCatalogEntry,
  type ExporterName,
} from "./exporter-catalog.js";
import type { StackApiKeys } from "./render/api-keys-secret.js";
import { resolveEnabledApps, type ResolvedApp } from "./stack-settings.js";

export interface ResolvedExporter {
  readonly app: ResolvedApp;
  readonly exporter: ExporterName;
  readonly catalog: ExporterCatalogEntry;
  /** repository:tag, the spec's override or the catalog's. */
  readonly image: string;
}

export interface SkippedExporter {
  readonly app: AppName;
  readonly why: string;
}

export interface MonitoringSettings {
  readonly enabled: boolean;
  readonly interval?: string;
  /** One per enabled app that has an exporter and what it needs; empty when monitoring is off. */
  readonly exporters: readonly ResolvedExporter[];
  /** Enabled apps with an exporter in the catalog that cannot run it yet. */
  readonly skipped: readonly SkippedExporter[];
}

function imageOf(spec: MediaStackSpec, exporter: ExporterName): string {
  const override = spec.monitoring?.[exporter];
  const catalog = exporterCatalog[exporter];
  return `${override?.image ?? catalog.repository}:${override?.tag ?? catalog.tag}`;
}

/**
 * `apiKeys` as the render gets them. Sonarr, Radarr and Prowlarr exporters need only the Secret's name;
 * Bazarr's exporter also waits for its key (generated with the others into the api-keys Secret).
 */
export function resolveMonitoring(spec: MediaStackSpec, apiKeys?: StackApiKeys): MonitoringSettings {
  const enabled = spec.monitoring?.enabled === true;
  const interval = spec.monitoring?.interval;
  const exporters: ResolvedExporter[] = [];
  const skipped: SkippedExporter[] = [];
  if (enabled) {
    for (const app of resolveEnabledApps(spec)) {
      const exporter = appExporters[app.name];
      if (exporter === undefined) continue;
      if (app.name === "bazarr" && apiKeys?.bazarr === undefined) {
        skipped.push({ app: app.name, why: "the api-keys Secret has no bazarr-api-key yet" });
        continue;
      }
      exporters.push({ app, exporter, catalog: exporterCatalog[exporter], image: imageOf(spec, exporter) });
    }
  }
  return { enabled, ...(interval === undefined ? {} : { interval }), exporters, skipped };
}

/** The exporter of one app, when monitoring renders one for it. */
export function exporterOf(monitoring: MonitoringSettings, app: AppName): ResolvedExporter | undefined {
  return monitoring.exporters.find((candidate) => candidate.app.name === app);
}
