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
} from "../../../support/monitoring.js";

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

test("the dashboard ConfigMap exists only with dashboards.enabled, carries grafana_dashboard=1 and the JSON file unchanged", () => {
  assert.ok(
    !renderChartObjects().some((object) => object.kind === "ConfigMap" || object.kind === "PrometheusRule"),
  );
  const objects = renderChartObjects([
    "dashboards.enabled=true",
    "dashboards.namespace=monitoring",
    "dashboards.annotations.grafana_folder=mediaplane",
  ]);
  const maps = objects.filter((object) => object.kind === "ConfigMap");
  assert.equal(maps.length, 1);
  const map = maps[0];
  assert.equal(map.metadata.labels?.["grafana_dashboard"], "1");
  assert.equal(map.metadata.namespace, "monitoring");
  assert.equal(map.metadata.annotations?.["grafana_folder"], "mediaplane");
  const data = map["data"] as Record<string, string>;
  assert.deepEqual(Object.keys(data), ["mediaplane-operator.json"]);
  assert.deepEqual(
    JSON.parse(data["mediaplane-operator.json"]),
    JSON.parse(readFileSync(dashboardPath, "utf8")),
  );
});

test("every dashboard panel queries the ${datasource} variable, and panel ids are unique", () => {
  const dashboard = readDashboard();
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
});

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
