// Reads the chart's monitoring files as users get them (the dashboard JSON, the PrometheusRule rendered
// by helm) and lists every PromQL expression and the metric selectors inside it, for the unit and
// integration tests that check them with promtool and query them against a real Prometheus.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chartDir, renderChartObjects } from "./helm.js";

/** The release name the monitoring tests render with: its metrics Service (and job) is mediaplane-metrics. */
export const monitoringRelease = "mediaplane";
export const metricsJob = `${monitoringRelease}-metrics`;

export interface Expression {
  /** Where it comes from: "panel <title> <refId>" or "alert <name>". */
  origin: string;
  expr: string;
}

interface DashboardPanel {
  title?: string;
  type?: string;
  targets?: Array<{ expr?: string; refId?: string }>;
  panels?: DashboardPanel[];
}

export interface Dashboard {
  title: string;
  uid: string;
  panels: DashboardPanel[];
  templating?: { list: Array<{ name: string; type: string; query?: unknown }> };
}

export const dashboardPath = join(chartDir, "monitoring", "operator-dashboard.json");
/** The MediaStack dashboard: it queries the stack's exporters, not the operator. */
export const stackDashboardPath = join(chartDir, "monitoring", "stack-dashboard.json");

export function readDashboard(path = dashboardPath): Dashboard {
  return JSON.parse(readFileSync(path, "utf8")) as Dashboard;
}

/** Every panel, rows' collapsed panels included. */
export function dashboardPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Every target expression of every panel. */
export function dashboardExpressions(dashboard: Dashboard): Expression[] {
  return dashboardPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      origin: `panel "${panel.title ?? "?"}" ${target.refId ?? "?"}`,
      expr: target.expr ?? "",
    })),
  );
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroups {
  groups: Array<{ name: string; rules: AlertRule[] }>;
}

/** The spec of the PrometheusRule the chart renders with prometheusRule.enabled: plain rule groups. */
export function renderedRuleGroups(sets: readonly string[] = []): RuleGroups {
  const objects = renderChartObjects(
    ["prometheusRule.enabled=true", ...sets],
    monitoringRelease,
    "mediaplane-system",
  );
  const rules = objects.filter((object) => object.kind === "PrometheusRule");
  if (rules.length !== 1) throw new Error(`expected one PrometheusRule, got ${rules.length}`);
  return rules[0]["spec"] as RuleGroups;
}

export function ruleExpressions(groups: RuleGroups): Expression[] {
  return groups.groups.flatMap((group) =>
    group.rules.map((rule) => ({ origin: `alert ${rule.alert}`, expr: rule.expr })),
  );
}

const LABEL_LIST_KEYWORDS = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const NOT_METRICS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "inf",
  "nan",
]);

/**
 * The vector selectors of a PromQL expression (metric name plus its `{...}` matchers), by a small
 * tokenizer: label lists after by/on/..., strings, durations and numbers are not metrics; a name
 * followed by `(` is a function. Enough for our expressions; a miss shows as a failed query.
 */
export function metricSelectors(expr: string): string[] {
  const selectors: string[] = [];
  // Matcher blocks hold strings with any characters: cut them out first, keeping them by position.
  const blocks: string[] = [];
  let text = expr.replace(/\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\}/g, (block) => {
    blocks.push(block);
    return `§${blocks.length - 1}§`;
  });
  text = text
    .replace(/"(?:[^"\\]|\\.)*"/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(LABEL_LIST_KEYWORDS, " ");
  const token = /(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)\s*(§(\d+)§)?\s*(\()?/g;
  for (const match of text.matchAll(token)) {
    const [, name, , blockIndex, call] = match;
    if (call !== undefined || NOT_METRICS.has(name.toLowerCase())) continue;
    selectors.push(name + (blockIndex === undefined ? "" : blocks[Number(blockIndex)]));
  }
  return [...new Set(selectors)];
}

/** promtool from Debian's `prometheus` package (on PATH, or $PROMTOOL); throws naming the package when absent. */
export function prometheusTool(name: "promtool" | "prometheus"): string {
  const fromEnv = process.env[name.toUpperCase()];
  const binary = fromEnv !== undefined && fromEnv !== "" ? fromEnv : name;
  const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `${name} is not installed: apt-get install prometheus (Debian's 2.42 has ${name}); .ci/run installs it`,
    );
  }
  return binary;
}
