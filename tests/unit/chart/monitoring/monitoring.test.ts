// The chart's alerts and dashboard as users get them: promtool checks and unit-tests the rendered rules,
// every runbook link lands on a README heading, the dashboard ConfigMap carries the Grafana sidecar
// label, and no panel or alert names a metric the operator does not register.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import { QbittorrentRequestMetrics } from "../../../../operator/clients/qbittorrent/request-metrics.js";
import { registerTorrentMetrics } from "../../../../operator/controllers/torrent/torrent-metrics.js";
import { OperatorMetrics } from "../../../../operator/framework/metrics.js";
import { renderChartObjects, repoRoot } from "../../../support/helm.js";
import {
  dashboardExpressions,
  dashboardPanels,
  dashboardPath,
  metricSelectors,
  prometheusTool,
  readDashboard,
  renderedRuleGroups,
  ruleExpressions,
  stackDashboardPath,
} from "../../../support/monitoring.js";
import { exporterMetricNames } from "./exporter-metrics.js";

const promtoolCases = join(repoRoot, "tests", "unit", "chart", "monitoring", "operator-alerts.promtool.yaml");

function promtool(args: string[], cwd: string): { code: number; output: string } {
  const run = spawnSync(prometheusTool("promtool"), args, { cwd, encoding: "utf8" });
  return { code: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
}

test("promtool accepts the rendered PrometheusRule's rules and its unit cases pass", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mediaplane-rules-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "operator-alerts.rules.yaml"), stringify(renderedRuleGroups()));
  copyFileSync(promtoolCases, join(dir, "operator-alerts.promtool.yaml"));
  const check = promtool(["check", "rules", "operator-alerts.rules.yaml"], dir);
  assert.equal(check.code, 0, check.output);
  assert.match(check.output, /SUCCESS: 6 rules found/);
  const unit = promtool(["test", "rules", "operator-alerts.promtool.yaml"], dir);
  assert.equal(unit.code, 0, unit.output);
  assert.match(unit.output, /SUCCESS/);
});

test("promtool's unit cases fail when an alert's threshold changes (they are not vacuous)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mediaplane-rules-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const groups = renderedRuleGroups();
  for (const rule of groups.groups[0].rules) rule.for = "1m";
  writeFileSync(join(dir, "operator-alerts.rules.yaml"), stringify(groups));
  copyFileSync(promtoolCases, join(dir, "operator-alerts.promtool.yaml"));
  const unit = promtool(["test", "rules", "operator-alerts.promtool.yaml"], dir);
  assert.notEqual(unit.code, 0, "shorter `for` durations must break the cases");
  for (const alert of [
    "MediaplaneOperatorDown",
    "MediaplaneOperatorNotLeading",
    "MediaplaneReconcileErrors",
  ]) {
    assert.match(unit.output, new RegExp(`alertname: ${alert}`), `a case catches ${alert}`);
  }
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function readmeAnchors(): Set<string> {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8").replace(/^```[\s\S]*?^```$/gm, "");
  return new Set(
    [...readme.matchAll(/^#{1,6}\s+(.+)$/gm)].map(([, heading]) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    ),
  );
}

test("every alert has a severity, a summary, a description and a runbook_url on a README troubleshooting heading", () => {
  const anchors = readmeAnchors();
  const rules = renderedRuleGroups([
    "prometheusRule.runbookUrl=https://git.example.org/mp/README.md",
  ]).groups.flatMap((group) => group.rules);
  assert.equal(rules.length, 6);
  for (const rule of rules) {
    assert.match(rule.labels?.["severity"] ?? "", /^(critical|warning)$/, rule.alert);
    assert.ok(rule.annotations?.["summary"], `${rule.alert} has a summary`);
    assert.ok(rule.annotations?.["description"], `${rule.alert} has a description`);
    const runbook = rule.annotations?.["runbook_url"] ?? "";
    assert.ok(runbook.startsWith("https://git.example.org/mp/README.md#"), `${rule.alert}: ${runbook}`);
    const anchor = runbook.split("#")[1];
    assert.equal(anchor, rule.alert.toLowerCase(), `${rule.alert}'s anchor is its name`);
    assert.ok(anchors.has(anchor), `README has a heading for #${anchor}`);
    assert.ok(
      rule.expr.includes('job="mediaplane-metrics"'),
      `${rule.alert} selects the metrics Service's job`,
    );
  }
});

test("the dashboard ConfigMaps exist only with dashboards.enabled, carry grafana_dashboard=1 and the JSON files unchanged", () => {
  assert.ok(
    !renderChartObjects().some((object) => object.kind === "ConfigMap" || object.kind === "PrometheusRule"),
  );
  const objects = renderChartObjects([
    "dashboards.enabled=true",
    "dashboards.namespace=monitoring",
    "dashboards.annotations.grafana_folder=mediaplane",
  ]);
  const maps = objects.filter((object) => object.kind === "ConfigMap");
  assert.deepEqual(
    maps.map((map) => Object.keys(map["data"] as Record<string, string>)),
    [["mediaplane-operator.json"], ["mediaplane-stack.json"]],
  );
  for (const [map, path] of [
    [maps[0], dashboardPath],
    [maps[1], stackDashboardPath],
  ] as const) {
    assert.equal(map.metadata.labels?.["grafana_dashboard"], "1");
    assert.equal(map.metadata.namespace, "monitoring");
    assert.equal(map.metadata.annotations?.["grafana_folder"], "mediaplane");
    const [json] = Object.values(map["data"] as Record<string, string>);
    assert.deepEqual(JSON.parse(json), JSON.parse(readFileSync(path, "utf8")));
  }
});

for (const [name, path] of [
  ["operator", dashboardPath],
  ["stack", stackDashboardPath],
] as const) {
  test(`every ${name} dashboard panel queries the \${datasource} variable, and panel ids are unique`, () => {
    assertPanelsUseDatasource(readDashboard(path));
  });
}

function assertPanelsUseDatasource(dashboard: ReturnType<typeof readDashboard>): void {
  assert.ok(
    dashboard.templating?.list.some(
      (variable) => variable.name === "datasource" && variable.type === "datasource",
    ),
  );
  const panels = dashboardPanels(dashboard);
  const ids = panels.map((panel) => (panel as { id?: number }).id);
  assert.equal(new Set(ids).size, ids.length);
  for (const panel of panels.filter((candidate) => candidate.type !== "row")) {
    assert.ok((panel.targets ?? []).length > 0, `panel "${panel.title}" has a query`);
    assert.deepEqual((panel as { datasource?: unknown }).datasource, {
      type: "prometheus",
      uid: "${datasource}",
    });
  }
}

test("the selector lister finds metric names and matchers, not functions, labels or durations", () => {
  assert.deepEqual(
    metricSelectors(
      'histogram_quantile(0.95, sum by (controller, le) (rate(mediaplane_reconcile_duration_seconds_bucket{result=~"a|b"}[5m])))',
    ),
    ['mediaplane_reconcile_duration_seconds_bucket{result=~"a|b"}'],
  );
  assert.deepEqual(
    metricSelectors("process_resident_memory_bytes and on (job, instance) mediaplane_leader"),
    ["process_resident_memory_bytes", "mediaplane_leader"],
  );
  assert.deepEqual(metricSelectors('absent(up{job="x"} == 1)'), ['up{job="x"}']);
});

/** Every series name the operator process registers (histograms with their suffixes), plus Prometheus's `up`. */
async function servedMetricNames(): Promise<Set<string>> {
  const metrics = new OperatorMetrics(true);
  new QbittorrentRequestMetrics(metrics.registry);
  registerTorrentMetrics(metrics.registry, () => []);
  const names = new Set(["up"]);
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === "histogram")
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(metric.name + suffix);
  }
  return names;
}

test("no panel and no alert queries a metric the operator does not register", async () => {
  const served = await servedMetricNames();
  const expressions = [...dashboardExpressions(readDashboard()), ...ruleExpressions(renderedRuleGroups())];
  assert.ok(expressions.length >= 20, `found ${expressions.length} expressions`);
  for (const { origin, expr } of expressions) {
    const selectors = metricSelectors(expr);
    assert.ok(selectors.length > 0, `${origin} selects a metric`);
    for (const selector of selectors) {
      const name = selector.replace(/\{.*$/, "");
      assert.ok(served.has(name), `${origin} queries ${name}, which the operator does not serve`);
    }
  }
});

/** The stack dashboard's template variables replaced by plain values, so promtool can parse the PromQL. */
function withVariablesFilled(expr: string): string {
  return expr.replace(/\$namespace/g, "media").replace(/\$stack/g, "arr");
}

test("the stack dashboard queries only metrics its exporters serve, each per namespace and stack", () => {
  const dashboard = readDashboard(stackDashboardPath);
  const variables = (dashboard.templating?.list ?? []).map((variable) => variable.name);
  assert.deepEqual(variables, ["datasource", "namespace", "stack"]);
  const expressions = dashboardExpressions(dashboard);
  assert.ok(expressions.length >= 12, `found ${expressions.length} expressions`);
  const queried = new Set<string>();
  for (const { origin, expr } of expressions) {
    const selectors = metricSelectors(expr);
    assert.ok(selectors.length > 0, `${origin} selects a metric`);
    for (const selector of selectors) {
      const name = selector.replace(/\{.*$/, "");
      queried.add(name);
      assert.ok(exporterMetricNames.has(name), `${origin} queries ${name}, which no stack exporter serves`);
      assert.match(
        selector,
        /namespace="\$namespace", stack="\$stack"/,
        `${origin} filters by the variables`,
      );
    }
  }
  // The four things issue #18 asks the dashboard to show.
  for (const name of [
    "sonarr_queue_total",
    "sonarr_system_health_issues",
    "radarr_rootfolder_freespace_bytes",
    "qbittorrent_global_download_speed_bytes",
  ]) {
    assert.ok(queried.has(name), `a panel shows ${name}`);
  }
});

test("promtool parses every stack dashboard expression (as recording rules, variables filled)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mediaplane-stack-dashboard-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dashboard = readDashboard(stackDashboardPath);
  const rules = dashboardExpressions(dashboard).map(({ expr }, index) => ({
    record: `mediaplane:stack_dashboard_${index}`,
    expr: withVariablesFilled(expr),
  }));
  const variableQueries = (dashboard.templating?.list ?? []).flatMap((variable) => {
    const query = (variable.query as { query?: string } | undefined)?.query;
    const inner = /^label_values\((.*), *[a-z_]+\)$/.exec(query ?? "")?.[1];
    return inner === undefined
      ? []
      : [{ record: `mediaplane:stack_variable_${variable.name}`, expr: withVariablesFilled(inner) }];
  });
  assert.equal(variableQueries.length, 2, "the namespace and stack variables' selectors are checked too");
  writeFileSync(
    join(dir, "stack-dashboard.rules.yaml"),
    stringify({ groups: [{ name: "stack", rules: [...rules, ...variableQueries] }] }),
  );
  const check = promtool(["check", "rules", "stack-dashboard.rules.yaml"], dir);
  assert.equal(check.code, 0, check.output);
  assert.match(check.output, new RegExp(`SUCCESS: ${rules.length + 2} rules found`));
  // Not vacuous: a broken expression fails the same check.
  writeFileSync(
    join(dir, "broken.rules.yaml"),
    stringify({ groups: [{ name: "b", rules: [{ record: "x:y", expr: "sum(up{" }] }] }),
  );
  assert.notEqual(promtool(["check", "rules", "broken.rules.yaml"], dir).code, 0);
});
