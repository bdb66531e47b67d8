// spec.monitoring on the real node: the chart's operator renders exportarr beside the Sonarr, Radarr and
// Prowlarr fakes and qbittorrent-exporter beside the real qBittorrent, from images built from their tags.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import type { V1Pod } from "@kubernetes/client-node";
import type { AppName } from "../../operator/controllers/mediastack/catalog.js";
import {
  appExporters,
  exporterCatalog,
  type ExporterCatalogEntry,
} from "../../operator/controllers/mediastack/exporter-catalog.js";
import { appObjectName, monitoringPortName } from "../../operator/controllers/mediastack/names.js";
import { KubeApi, isNotFound } from "../../operator/framework/kube-api.js";
import { MediaStackResource, type MediaStack } from "../../operator/generated/mediastack.js";
import { exporterBinariesMissing, requireExporterBinaries } from "../cluster/binaries.js";
import { startDemoProvisioner } from "../cluster/demo-provisioner.js";
import { arrFakesImage } from "../cluster/images/arr-fakes-image.js";
import { exportarrImage, qbittorrentExporterImage } from "../cluster/images/exporter-images.js";
import type { BuiltImage } from "../cluster/images/image-cache.js";
import { operatorImage, qbittorrentImage } from "../cluster/images/node-images.js";
import { importImageOnNode, tagImageOnNode, testRealNode } from "../cluster/node/real-node-handle.js";
import { ensureQbittorrentRootfs } from "../cluster/qbittorrent-rootfs.js";
import { installOperatorChart, realNodeDataClaim } from "../cluster/real-node-platform.js";
import { sourcePinnedTag } from "../cluster/versions.js";
import { testBinaries, testCluster, testKubeconfigPath, waitFor } from "../integration/support/cluster.js";

const node = testRealNode();
const kubeConfig = testCluster();
const api = new KubeApi(kubeConfig);
const core = kubeConfig.makeApiClient(CoreV1Api);
const operatorNamespace = "mediaplane-system";
const namespace = "monitoring";
const release = "mediaplane";
const stackName = "watched";
type FakedApp = "sonarr" | "radarr" | "prowlarr" | "jellyfin";
const exportedApps = ["sonarr", "radarr", "prowlarr", "qbittorrent"] as const;

/** Cleanup in order: the stack (its finalizer needs the operator), the chart, the namespace. */
async function removeEverything(stopProvisioner: () => void): Promise<void> {
  await api.delete(MediaStackResource, namespace, stackName).catch(() => undefined);
  await waitFor(
    () =>
      api.get(MediaStackResource, namespace, stackName).then(
        () => false,
        (error: unknown) => isNotFound(error),
      ),
    { what: "the MediaStack gone", timeoutMs: 90_000 },
  ).catch(() => undefined);
  try {
    execFileSync(
      testBinaries().helm,
      [`--kubeconfig=${testKubeconfigPath()}`, "uninstall", release, "--namespace", operatorNamespace],
      { stdio: "ignore" },
    );
  } catch {
    // not installed: nothing to remove
  }
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  stopProvisioner();
}

interface StackImages {
  readonly fakes: BuiltImage;
  /** The qBittorrent image under a `<version>-<hash>` tag, as LinuxServer tags lead with the version. */
  readonly qbittorrentTag: string;
  readonly qbittorrentRepository: string;
  readonly exportarr: BuiltImage;
  readonly qbittorrentExporter: BuiltImage;
}

function monitoredStack(images: StackImages): MediaStack {
  const fake = (app: FakedApp): NonNullable<MediaStack["spec"]["apps"]>["sonarr"] => ({
    image: images.fakes.repository,
    tag: images.fakes.tag,
    env: [{ name: "FAKE_APP", value: app }],
  });
  return {
    apiVersion: "mediaplane.io/v1alpha1",
    kind: "MediaStack",
    metadata: { name: stackName, namespace },
    spec: {
      imagePullPolicy: "Never",
      storage: { data: { existingClaim: realNodeDataClaim } },
      apps: {
        qbittorrent: { image: images.qbittorrentRepository, tag: images.qbittorrentTag },
        sonarr: fake("sonarr"),
        radarr: fake("radarr"),
        prowlarr: fake("prowlarr"),
        jellyfin: fake("jellyfin"),
      },
      monitoring: {
        enabled: true,
        exportarr: { image: images.exportarr.repository, tag: images.exportarr.tag },
        qbittorrentExporter: {
          image: images.qbittorrentExporter.repository,
          tag: images.qbittorrentExporter.tag,
        },
      },
    },
  };
}

async function appPod(app: AppName): Promise<V1Pod> {
  const { items } = await core.listNamespacedPod({ namespace });
  const pod = items.find(
    (candidate) =>
      candidate.metadata?.name?.startsWith(`${stackName}-${app}-`) &&
      candidate.metadata.deletionTimestamp === undefined,
  );
  assert.ok(pod?.status?.podIP, `${app} has a running pod with an IP`);
  return pod;
}

function exporterOfApp(app: (typeof exportedApps)[number]): ExporterCatalogEntry {
  const exporter = appExporters[app];
  assert.ok(exporter !== undefined, `${app} has an exporter`);
  return exporterCatalog[exporter];
}

/** The exporter's sidecar Running and Ready, then its /metrics on the pod IP (reachable from the host). */
async function scrape(app: (typeof exportedApps)[number]): Promise<string> {
  const catalog = exporterOfApp(app);
  const pod = await appPod(app);
  const status = pod.status?.containerStatuses?.find((c) => c.name === catalog.displayName);
  if (status?.state?.running === undefined || status.ready !== true) {
    throw new Error(
      `${app}'s ${catalog.displayName} not running and ready: ${JSON.stringify(status?.state)}`,
    );
  }
  const answer = await fetch(`http://${pod.status?.podIP ?? ""}:${catalog.port}${catalog.metricsPath}`, {
    signal: AbortSignal.timeout(10_000),
  });
  const text = await answer.text();
  if (answer.status !== 200)
    throw new Error(`${app}'s /metrics answered ${answer.status}: ${text.slice(0, 200)}`);
  return text;
}

/** The value of the one sample of `name` whose labels include `labels` (`k="v"` pairs), if any. */
function sample(metrics: string, name: string, labels: string[] = []): number | undefined {
  for (const line of metrics.split("\n")) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    if (labels.every((label) => (match[2] ?? "").includes(label))) return Number(match[3]);
  }
  return undefined;
}

async function stackImages(): Promise<StackImages & { operator: BuiltImage; qbittorrent: BuiltImage }> {
  const binaries = requireExporterBinaries();
  const images = {
    operator: await operatorImage(),
    qbittorrent: await qbittorrentImage(),
    fakes: await arrFakesImage(),
    exportarr: await exportarrImage(binaries.exportarr),
    qbittorrentExporter: await qbittorrentExporterImage(binaries.qbittorrentExporter),
  };
  for (const image of Object.values(images)) await importImageOnNode(node, image.archive);
  // The sidecar's session cookie name follows the qBittorrent version the image tag leads with
  // (render/exporter-sidecar.ts); a bare hash tag would be taken as 5.2+, and trixie runs 5.1.
  const { qbittorrentVersion } = await ensureQbittorrentRootfs("trixie");
  const qbittorrentTag = `${qbittorrentVersion}-${images.qbittorrent.tag}`;
  await tagImageOnNode(
    node,
    images.qbittorrent.reference,
    `${images.qbittorrent.repository}:${qbittorrentTag}`,
  );
  return { ...images, qbittorrentTag, qbittorrentRepository: images.qbittorrent.repository };
}

test("with monitoring.enabled the exporters run beside the apps and serve the apps' metrics", async (t) => {
  // The exporters' sources come from GitHub (the Go module proxy cannot serve either module, see
  // go/<name>/source.pin); build.sh skips them where GitHub and a MEDIAPLANE_GIT_<NAME> mirror are both missing.
  const unbuilt = exporterBinariesMissing();
  if (unbuilt !== undefined) return t.skip(unbuilt);
  const started = performance.now();
  const images = await stackImages();
  assert.match(images.exportarr.reference, /^mediaplane\.local\/exportarr:[0-9a-f]{16}$/);
  assert.match(
    images.qbittorrentExporter.reference,
    /^mediaplane\.local\/qbittorrent-exporter:[0-9a-f]{16}$/,
  );

  let stopProvisioner = (): void => undefined;
  t.after(() => removeEverything(stopProvisioner));
  installOperatorChart({
    helm: testBinaries().helm,
    kubeconfigPath: testKubeconfigPath(),
    release,
    namespace: operatorNamespace,
    image: images.operator,
    replicas: 1,
  });
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await waitFor(() => core.readNamespacedServiceAccount({ namespace, name: "default" }), {
    what: "the namespace's default ServiceAccount",
  });
  stopProvisioner = startDemoProvisioner(kubeConfig, namespace, join(node.tempDir, "monitoring-volumes"), {
    createDirectories: true,
  });
  await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: {
      metadata: { name: realNodeDataClaim },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    },
  });
  await api.create(MediaStackResource, monitoredStack(images));

  // Wired: qBittorrent then holds the categories the wiring created, which its exporter must report.
  await waitFor(
    async () => {
      const stack = await api.get<MediaStack>(MediaStackResource, namespace, stackName);
      const condition = stack.status?.conditions?.find((c) => c.type === "Wired");
      if (condition?.status === "True") return stack;
      throw new Error(
        `Wired=${condition?.status ?? "?"} ${condition?.reason ?? ""}: ${condition?.message ?? ""}`,
      );
    },
    { what: "the MediaStack Wired=True", timeoutMs: 420_000, intervalMs: 1_000 },
  );

  for (const app of exportedApps) {
    const catalog = exporterOfApp(app);
    const metrics = await waitFor(() => scrape(app), {
      what: `${app}'s exporter serving /metrics`,
      timeoutMs: 120_000,
      intervalMs: 2_000,
    });
    const pod = await appPod(app);
    const sidecar = pod.spec?.containers.find((c) => c.name === catalog.displayName);
    const image = app === "qbittorrent" ? images.qbittorrentExporter : images.exportarr;
    assert.equal(sidecar?.image, image.reference, `${app}'s sidecar runs the local image`);

    if (app === "qbittorrent") {
      // Both need a logged-in session: /api/v2/app/version and /api/v2/sync/maindata (prometheus/prometheus.go).
      const version = images.qbittorrentTag.split("-")[0] ?? "";
      assert.equal(
        sample(metrics, "qbittorrent_app_version", [`version="v${version}"`]),
        1,
        "qBittorrent's version",
      );
      assert.equal(sample(metrics, "qbittorrent_global_categories", ['category="tv"']), 1, "the tv category");
      assert.equal(sample(metrics, "qbittorrent_global_categories", ['category="movies"']), 1);
    } else {
      // exportarr_app_info: internal/commands/root.go; <app>_system_status is 1 only when
      // /api/<v>/system/status answered with the key (internal/arr/collector/status.go).
      const tag = sourcePinnedTag("exportarr");
      assert.equal(sample(metrics, "exportarr_app_info", [`app_name="exportarr"`, `version="${tag}"`]), 1);
      assert.equal(sample(metrics, `${app}_system_status`, [`url="http://localhost:`]), 1, `${app} answered`);
    }
  }

  // Each exported app's Service has the monitoring port, at the exporter's port.
  for (const app of exportedApps) {
    const service = await core.readNamespacedService({ namespace, name: appObjectName(stackName, app) });
    const port = service.spec?.ports?.find((candidate) => candidate.name === monitoringPortName);
    assert.equal(port?.port, exporterOfApp(app).port, `${app}'s Service has the monitoring port`);
  }
  process.stderr.write(
    `exporters verified ${((performance.now() - started) / 1000).toFixed(0)} s after the start\n`,
  );
});
