// A real Prometheus scrapes a real operator process (with a real qbittorrent-nox, an unreachable one, and
// one object of each kind) and evaluates the chart's rules; every dashboard expression must return
// data, every alert expression must evaluate with data behind each of its selectors.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { startQbittorrent } from "../../cluster/qbittorrent.js";
import {
  dashboardExpressions,
  metricSelectors,
  metricsJob,
  readDashboard,
  renderedRuleGroups,
  ruleExpressions,
} from "../../support/monitoring.js";
import { startOperatorProcess } from "../chart/operator-process.js";
import { createTestNamespace, testCluster, testKubeconfigPath, waitFor } from "../support/cluster.js";
import { startPrometheus, type PrometheusSample } from "./prometheus-server.js";

const give = { timeoutMs: 90_000, intervalMs: 1_000 };

async function createObjects(namespace: string, deadQbittorrentUrl: string): Promise<void> {
  const core = testCluster().makeApiClient(CoreV1Api);
  const custom = testCluster().makeApiClient(CustomObjectsApi);
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: "dead-qbt" },
      stringData: { url: deadQbittorrentUrl, username: "admin", password: "x" },
    },
  });
  const torrent = (name: string, extra: Record<string, unknown>): object => ({
    apiVersion: "torrent.qbittorrent.io/v1alpha1",
    kind: "Torrent",
    metadata: { name },
    spec: { magnet_uri: `magnet:?xt=urn:btih:${randomBytes(20).toString("hex")}&dn=${name}`, ...extra },
  });
  const torrents = { group: "torrent.qbittorrent.io", version: "v1alpha1", plural: "torrents", namespace };
  await custom.createNamespacedCustomObject({ ...torrents, body: torrent("alive", {}) });
  await custom.createNamespacedCustomObject({
    ...torrents,
    body: torrent("dead", { client_ref: { kind: "Secret", name: "dead-qbt" } }),
  });
  await custom.createNamespacedCustomObject({
    group: "mediaplane.io",
    version: "v1alpha1",
    plural: "mediastacks",
    namespace,
    body: {
      apiVersion: "mediaplane.io/v1alpha1",
      kind: "MediaStack",
      metadata: { name: "home" },
      spec: { storage: { data: { nfs: { server: "nas.example.org", path: "/media" } } } },
    },
  });
  await custom.createNamespacedCustomObject({
    group: "dittofs.dittofs.com",
    version: "v1alpha1",
    plural: "dittoservers",
    namespace,
    body: {
      apiVersion: "dittofs.dittofs.com/v1alpha1",
      kind: "DittoServer",
      metadata: { name: "files" },
      spec: { storage: { metadataSize: "1Gi", cacheSize: "1Gi" } },
    },
  });
}

const describeSamples = (samples: PrometheusSample[]): string =>
  samples.map((sample) => `${JSON.stringify(sample.metric)} ${sample.value[1]}`).join("; ");

test("every dashboard and alert expression returns data from a real Prometheus scraping the operator process", async (t) => {
  const namespace = await createTestNamespace(t);
  const qbittorrent = await startQbittorrent();
  t.after(() => qbittorrent.stop());
  const [probePort, closedPort] = await freeLoopbackPorts(2);
  const deadUrl = `http://127.0.0.1:${closedPort}`;
  const operator = startOperatorProcess(testKubeconfigPath(), {
    MEDIAPLANE_PROBE_HOST: "127.0.0.1",
    MEDIAPLANE_PROBE_PORT: String(probePort),
    MEDIAPLANE_LEASE_NAMESPACE: namespace,
    MEDIAPLANE_LOG_FORMAT: "json",
    MEDIAPLANE_TORRENT_POLL_SECONDS: "1",
    POD_NAME: "monitoring-test",
    QBITTORRENT_URL: qbittorrent.url,
    QBITTORRENT_USERNAME: qbittorrent.username,
    QBITTORRENT_PASSWORD: qbittorrent.password,
  });
  t.after(() => operator.stop(15_000));
  await operator.waitForMessage("operator started", 60_000);
  await createObjects(namespace, deadUrl);

  const rules = renderedRuleGroups();
  const prometheus = await startPrometheus([{ job: metricsJob, address: `127.0.0.1:${probePort}` }], rules);
  t.after(() => prometheus.stop());

  // Objects of this test are in the gauges once the operator has seen them (and qBittorrent answered).
  await waitFor(async () => (await prometheus.query(`mediaplane_torrents{state="metaDL"}`)).length > 0, {
    ...give,
    what: "the live Torrent in metaDL, scraped",
  });
  await waitFor(
    async () =>
      (await prometheus.query(`mediaplane_qbittorrent_up{qbittorrent="${deadUrl}"} == 0`)).length > 0,
    { ...give, what: "the unreachable qBittorrent reported down" },
  );

  const panels = dashboardExpressions(readDashboard());
  assert.ok(panels.length >= 15, `${panels.length} dashboard expressions`);
  for (const { origin, expr } of panels) {
    const samples = await waitFor(
      async () => {
        const result = await prometheus.query(expr);
        return result.length > 0 ? result : undefined;
      },
      { ...give, what: `data for ${origin}: ${expr}` },
    );
    assert.ok(samples.length > 0, origin);
  }

  const alerts = ruleExpressions(rules);
  assert.equal(alerts.length, 6);
  for (const { origin, expr } of alerts) {
    await prometheus.query(expr); // evaluates, or throws with Prometheus's error
    for (const selector of metricSelectors(expr)) {
      const samples = await prometheus.query(selector);
      assert.ok(samples.length > 0, `${origin}: ${selector} has data`);
    }
  }

  type RulesData = { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
  let lastRules: unknown;
  await waitFor(
    async () => {
      const rulesNow = (await prometheus.api<RulesData>("rules")).groups.flatMap((group) => group.rules);
      lastRules = rulesNow;
      return rulesNow.length === 6 && rulesNow.every((rule) => rule.health === "ok");
    },
    { ...give, what: "prometheus loading all six alerts and evaluating each without error" },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; rules: ${JSON.stringify(lastRules)}`);
  });

  // The values behind the panels are the real ones, not just present.
  assert.equal((await prometheus.query("sum(mediaplane_leader)"))[0]?.value[1], "1", "one pod leads");
  const up = await prometheus.query("mediaplane_qbittorrent_up");
  const upOf = (url: string): string | undefined =>
    up.find((sample) => sample.metric["qbittorrent"] === url)?.value[1];
  assert.equal(upOf(qbittorrent.url), "1", describeSamples(up));
  assert.equal(upOf(deadUrl), "0", describeSamples(up));
  const ready = await prometheus.query(`mediaplane_resource_ready{namespace="${namespace}"}`);
  assert.deepEqual(
    ready.map((sample) => `${sample.metric["controller"]}/${sample.metric["name"]}`).sort(),
    ["dittoserver/files", "mediastack/home", "torrent/alive", "torrent/dead"],
    describeSamples(ready),
  );
  assert.equal(
    ready.find((sample) => sample.metric["name"] === "dead")?.value[1],
    "0",
    "the Torrent on the unreachable qBittorrent is not Ready",
  );

  // The unreachable instance's alert is on its way (pending for its 5 minutes); the live one has none.
  const pending = await waitFor(
    async () => {
      const { alerts: active } = await prometheus.api<{
        alerts: Array<{ labels: Record<string, string>; state: string }>;
      }>("alerts");
      const unreachable = active.filter(
        (alert) => alert.labels["alertname"] === "MediaplaneQbittorrentUnreachable",
      );
      return unreachable.length > 0 ? unreachable : undefined;
    },
    { ...give, what: "MediaplaneQbittorrentUnreachable pending" },
  );
  assert.deepEqual(
    pending.map((alert) => [alert.labels["qbittorrent"], alert.state]),
    [[deadUrl, "pending"]],
  );
});
