// spec.monitoring in the renderers and the condition: which apps get which exporter, credentials only by
// secretKeyRef, image overrides, qBittorrent's cookie name per version, ServiceMonitorReady's three states.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { V1Container, V1Deployment, V1Service } from "@kubernetes/client-node";
import { exporterCatalog } from "../../../operator/controllers/mediastack/exporter-catalog.js";
import { computeServiceMonitorCondition } from "../../../operator/controllers/mediastack/monitoring-condition.js";
import { resolveMonitoring } from "../../../operator/controllers/mediastack/monitoring-settings.js";
import { qbittorrentSessionCookieName } from "../../../operator/controllers/mediastack/render/exporter-sidecar.js";
import { renderNetworkPolicy } from "../../../operator/controllers/mediastack/render/network-policy.js";
import type { MediaStack } from "../../../operator/generated/mediastack.js";
import { loadSample, renderWithDefaults, stackWith, testApiKeys, testCredentials } from "./fixtures.js";

const nfs = { storage: { data: { nfs: { server: "nas.example.org", path: "/media" } } } };
const bazarrKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

function deployments(stack: MediaStack, apiKeys = testApiKeys): V1Deployment[] {
  return renderWithDefaults(stack, { apiKeys }).children.filter(
    (object): object is V1Deployment => object.kind === "Deployment",
  );
}

function sidecarsByApp(stack: MediaStack, apiKeys = testApiKeys): Map<string, V1Container> {
  const sidecars = new Map<string, V1Container>();
  for (const deployment of deployments(stack, apiKeys)) {
    const containers = deployment.spec?.template.spec?.containers ?? [];
    const app = deployment.metadata?.labels?.["app.kubernetes.io/name"] ?? "?";
    assert.ok(containers.length <= 2, `${app}: at most the app and one exporter`);
    if (containers[1]) sidecars.set(app, containers[1]);
  }
  return sidecars;
}

test("monitoring off (the default): no exporter, no monitoring port, no ServiceMonitor", () => {
  const render = renderWithDefaults(stackWith({ ...nfs, apps: { bazarr: { enabled: true } } }));
  assert.equal(sidecarsByApp(stackWith(nfs)).size, 0);
  assert.ok(!render.children.some((object) => object.kind === "ServiceMonitor"));
  for (const service of render.children.filter((object): object is V1Service => object.kind === "Service")) {
    assert.deepEqual(
      service.spec?.ports?.map((port) => port.name),
      ["http"],
    );
  }
});

test("exportarr beside Sonarr, Radarr, Prowlarr and Bazarr, qbittorrent-exporter beside qBittorrent, none beside Jellyfin", () => {
  const sidecars = sidecarsByApp(loadSample("monitoring.yaml"), { ...testApiKeys, bazarr: bazarrKey });
  assert.deepEqual([...sidecars.keys()].sort(), ["bazarr", "prowlarr", "qbittorrent", "radarr", "sonarr"]);
  for (const app of ["sonarr", "radarr", "prowlarr", "bazarr"]) {
    const sidecar = sidecars.get(app);
    assert.equal(sidecar?.image, "ghcr.io/onedr0p/exportarr:v2.3.0");
    assert.deepEqual(sidecar?.args, [app], "exportarr's subcommand is the app");
    assert.deepEqual(sidecar?.ports, [{ name: "monitoring", containerPort: 9707, protocol: "TCP" }]);
    assert.match(sidecar?.env?.find((env) => env.name === "URL")?.value ?? "", /^http:\/\/localhost:\d+$/);
    assert.deepEqual(sidecar?.env?.find((env) => env.name === "API_KEY")?.valueFrom, {
      secretKeyRef: { name: "watched-api-keys", key: `${app}-api-key` },
    });
  }
  const qbittorrent = sidecars.get("qbittorrent");
  assert.equal(qbittorrent?.image, "ghcr.io/martabal/qbittorrent-exporter:v2.0.1");
  assert.equal(
    qbittorrent?.env?.find((env) => env.name === "QBITTORRENT_BASE_URL")?.value,
    "http://localhost:8080",
  );
  assert.equal(qbittorrent?.ports?.[0]?.containerPort, exporterCatalog.qbittorrentExporter.port);
});

test("no rendered object carries a key or password; every exporter credential is a secretKeyRef (the username too)", () => {
  const secrets = [
    testApiKeys.sonarr,
    testApiKeys.radarr,
    testApiKeys.prowlarr,
    bazarrKey,
    testCredentials.password,
  ];
  const render = renderWithDefaults(loadSample("monitoring.yaml"), {
    apiKeys: { ...testApiKeys, bazarr: bazarrKey },
  });
  const rendered = JSON.stringify(render.children.filter((object) => object.kind !== "Secret"));
  for (const secret of secrets)
    assert.ok(!rendered.includes(secret), "a credential leaked into a rendered object");
  const credentialVars = [
    ...sidecarsByApp(loadSample("monitoring.yaml"), { ...testApiKeys, bazarr: bazarrKey }).values(),
  ]
    .flatMap((sidecar) => sidecar.env ?? [])
    .filter((env) => /API_KEY|USERNAME|PASSWORD/.test(env.name));
  assert.equal(credentialVars.length, 6, "four API keys, qBittorrent's username and password");
  for (const env of credentialVars) {
    assert.equal(env.value, undefined, env.name);
    assert.ok(env.valueFrom?.secretKeyRef?.name, `${env.name} comes from a Secret`);
  }
});

test("Bazarr's exporter reads the generated key; rendered before the keys exist, it waits and the condition says so", () => {
  const stack = loadSample("monitoring.yaml");
  assert.ok(sidecarsByApp(stack).has("bazarr"), "the stack's keys include Bazarr's (wiring/api-keys.ts)");
  const monitoring = resolveMonitoring(stack.spec, undefined);
  assert.deepEqual(
    monitoring.skipped.map((skip) => skip.app),
    ["bazarr"],
  );
  const condition = computeServiceMonitorCondition("watched", monitoring, true);
  assert.equal(condition?.reason, "ServiceMonitorApplied");
  assert.match(
    condition?.message ?? "",
    /no exporter for bazarr \(the api-keys Secret has no bazarr-api-key yet\)/,
  );
});

test("the exporter images follow spec.monitoring's overrides, the catalog's pins otherwise", () => {
  const stack = stackWith({
    ...nfs,
    monitoring: {
      enabled: true,
      exportarr: { tag: "v2.2.0" },
      qbittorrentExporter: { image: "registry.example.org/qbt-exporter", tag: "v2.0.0" },
    },
  });
  const sidecars = sidecarsByApp(stack);
  assert.equal(sidecars.get("sonarr")?.image, "ghcr.io/onedr0p/exportarr:v2.2.0");
  assert.equal(sidecars.get("qbittorrent")?.image, "registry.example.org/qbt-exporter:v2.0.0");
  for (const entry of Object.values(exporterCatalog)) {
    assert.match(entry.tag, /^v\d+\.\d+\.\d+$/, `${entry.displayName} is pinned to a release`);
  }
});

test("qBittorrent's session cookie: SID up to 5.1, QBT_SID_<port> from 5.2 on", () => {
  assert.equal(qbittorrentSessionCookieName("lscr.io/linuxserver/qbittorrent:4.6.7-r0-ls345", 8080), "SID");
  assert.equal(qbittorrentSessionCookieName("lscr.io/linuxserver/qbittorrent:5.1.4-r1-ls420", 8080), "SID");
  assert.equal(
    qbittorrentSessionCookieName("lscr.io/linuxserver/qbittorrent:5.2.3_v2.0.13-ls469", 8080),
    "QBT_SID_8080",
  );
  assert.equal(qbittorrentSessionCookieName("example.org:5000/qbittorrent:6.0.0", 9090), "QBT_SID_9090");
});

test("ServiceMonitorReady: applied with the CRD, PrometheusOperatorNotInstalled without it, absent when off", () => {
  const stack = stackWith({ ...nfs, monitoring: { enabled: true } });
  const monitoring = resolveMonitoring(stack.spec, testApiKeys);
  const applied = computeServiceMonitorCondition("arr", monitoring, true);
  assert.equal(applied?.status, "True");
  assert.match(
    applied?.message ?? "",
    /ServiceMonitor arr scrapes the monitoring ports of prowlarr, sonarr, radarr, qbittorrent/,
  );
  const missing = computeServiceMonitorCondition("arr", monitoring, false);
  assert.equal(missing?.status, "False");
  assert.equal(missing?.reason, "PrometheusOperatorNotInstalled");
  assert.equal(computeServiceMonitorCondition("arr", resolveMonitoring(nfs), false), undefined);
  const onlyJellyfin = stackWith({
    ...nfs,
    monitoring: { enabled: true },
    apps: {
      sonarr: { enabled: false },
      radarr: { enabled: false },
      prowlarr: { enabled: false },
      qbittorrent: { enabled: false },
    },
  });
  assert.equal(
    computeServiceMonitorCondition("arr", resolveMonitoring(onlyJellyfin.spec), true)?.reason,
    "NoExporters",
  );
  assert.ok(!renderWithDefaults(onlyJellyfin).children.some((object) => object.kind === "ServiceMonitor"));
});

test("the NetworkPolicy lets the monitoring namespace reach the exporters' monitoring ports", () => {
  const stack = loadSample("monitoring.yaml");
  const policy = renderNetworkPolicy(stack);
  const fromMonitoring = policy.spec.ingress.filter((rule) =>
    rule.from?.some(
      (peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring",
    ),
  );
  assert.equal(fromMonitoring.length, 1);
  const ports = fromMonitoring[0]?.ports;
  assert.ok(
    ports === undefined || ports.some((port) => port.port === "monitoring"),
    "the rule admits every port, or names the monitoring port",
  );
  // And the policy selects the pods that run the exporters.
  const labels = deployments(stack)[0]?.spec?.template.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(policy.spec.podSelector?.matchLabels ?? {})) {
    assert.equal(labels[key], value, `exporter pods carry ${key}`);
  }
});
