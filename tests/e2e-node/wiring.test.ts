// The MediaStack wiring on the real node: the chart's operator in a pod, the app fakes as the pods of
// Sonarr, Radarr, Prowlarr and Jellyfin (image arr-fakes) and the real qBittorrent, so every link goes
// through Service DNS and kube-proxy, with no URL alias anywhere, until the stack is Wired=True.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import type { V1EnvVar, V1Pod, V1Secret } from "@kubernetes/client-node";
import { QbittorrentClient } from "../../operator/clients/qbittorrent/client.js";
import type { AppName } from "../../operator/controllers/mediastack/catalog.js";
import {
  apiKeysSecretName,
  qbittorrentCredentialsSecretName,
} from "../../operator/controllers/mediastack/names.js";
import { apiKeySecretKeys } from "../../operator/controllers/mediastack/render/api-keys-secret.js";
import { appServiceUrl } from "../../operator/controllers/mediastack/stack-settings.js";
import { KubeApi, isNotFound } from "../../operator/framework/kube-api.js";
import { MediaStackResource, type MediaStack } from "../../operator/generated/mediastack.js";
import { startDemoProvisioner } from "../cluster/demo-provisioner.js";
import { arrFakesImage } from "../cluster/images/arr-fakes-image.js";
import type { BuiltImage } from "../cluster/images/image-cache.js";
import { operatorImage, qbittorrentImage } from "../cluster/images/node-images.js";
import { importImageOnNode, testRealNode } from "../cluster/node/real-node-handle.js";
import { installOperatorChart, realNodeDataClaim } from "../cluster/real-node-platform.js";
import { testBinaries, testCluster, testKubeconfigPath, waitFor } from "../integration/support/cluster.js";

const node = testRealNode();
const kubeConfig = testCluster();
const api = new KubeApi(kubeConfig);
const core = kubeConfig.makeApiClient(CoreV1Api);
const operatorNamespace = "mediaplane-system";
const namespace = "wiring";
const release = "mediaplane";
const stackName = "home";
const fakedApps = ["sonarr", "radarr", "prowlarr", "jellyfin"] as const;

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

type Field = { name: string; value?: unknown };
type Provider = { name: string; implementation: string; fields: Field[] };

function field(provider: Provider | undefined, name: string): unknown {
  return provider?.fields.find((candidate) => candidate.name === name)?.value;
}

function stackWith(fakes: BuiltImage, qbittorrent: BuiltImage): MediaStack {
  const fake = (app: (typeof fakedApps)[number]): NonNullable<MediaStack["spec"]["apps"]>["sonarr"] => ({
    image: fakes.repository,
    tag: fakes.tag,
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
        qbittorrent: { image: qbittorrent.repository, tag: qbittorrent.tag },
        sonarr: fake("sonarr"),
        radarr: fake("radarr"),
        prowlarr: fake("prowlarr"),
        jellyfin: fake("jellyfin"),
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

/** GET on the app's pod, by its pod IP (reachable from the host on the real node) and catalog port. */
async function getFromPod<T>(
  pod: V1Pod,
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<T> {
  const answer = await fetch(`http://${pod.status?.podIP ?? ""}:${port}${path}`, {
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(answer.status, 200, `GET ${path} on ${pod.metadata?.name ?? ""}`);
  return (await answer.json()) as T;
}

function decoded(secret: V1Secret, key: string): string {
  return Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8");
}

test("the stack wires its app fakes and the real qBittorrent as pods, through Service DNS and no alias", async (t) => {
  const started = performance.now();
  const images = {
    operator: await operatorImage(),
    qbittorrent: await qbittorrentImage(),
    fakes: await arrFakesImage(),
  };
  for (const image of Object.values(images)) await importImageOnNode(node, image.archive);
  assert.match(images.fakes.reference, /^mediaplane\.local\/arr-fakes:[0-9a-f]{16}$/);

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
  stopProvisioner = startDemoProvisioner(kubeConfig, namespace, join(node.tempDir, "wiring-volumes"), {
    createDirectories: true,
  });
  await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: {
      metadata: { name: realNodeDataClaim },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    },
  });
  await api.create(MediaStackResource, stackWith(images.fakes, images.qbittorrent));

  const wired = await waitFor(
    async () => {
      const stack = await api.get<MediaStack>(MediaStackResource, namespace, stackName);
      const condition = stack.status?.conditions?.find((c) => c.type === "Wired");
      if (condition?.status === "True" && stack.status?.observedGeneration === stack.metadata.generation) {
        return stack;
      }
      throw new Error(
        `Wired=${condition?.status ?? "?"} ${condition?.reason ?? ""}: ${condition?.message ?? ""}`,
      );
    },
    { what: "the MediaStack Wired=True", timeoutMs: 420_000, intervalMs: 1_000 },
  );
  process.stderr.write(
    `stack Wired=True ${((performance.now() - started) / 1000).toFixed(0)} s after the start\n`,
  );
  assert.equal(wired.status?.conditions?.find((c) => c.type === "Wired")?.reason, "Wired");
  for (const link of wired.status?.wiring?.links ?? []) assert.equal(link.wired, true, link.name);
  assert.ok((wired.status?.wiring?.links ?? []).length >= 9, "every link of the five apps is planned");

  // The fakes run as the apps' pods from the fakes image; the operator pod has no URL alias.
  for (const app of fakedApps) {
    const pod = await appPod(app);
    assert.equal(pod.spec?.nodeName, node.name);
    assert.equal(pod.spec?.containers[0]?.image, images.fakes.reference);
  }
  const { items: operators } = await core.listNamespacedPod({
    namespace: operatorNamespace,
    labelSelector: "app.kubernetes.io/name=mediaplane",
  });
  assert.ok(operators.length > 0);
  for (const pod of operators) {
    const env: V1EnvVar[] = pod.spec?.containers[0]?.env ?? [];
    assert.deepEqual(
      env.filter((v) => /URL_ALIASES/.test(v.name)).map((v) => v.name),
      [],
      "no URL alias in the operator pod",
    );
  }

  const keys = await core.readNamespacedSecret({ namespace, name: apiKeysSecretName(stackName) });
  const url = (app: AppName): string => appServiceUrl(stackName, namespace, app);

  // Sonarr holds exactly one mediaplane-qbittorrent client, at qBittorrent's Service DNS name.
  const sonarrClients = await getFromPod<Provider[]>(await appPod("sonarr"), 8989, "/api/v3/downloadclient", {
    "X-Api-Key": decoded(keys, apiKeySecretKeys.sonarr),
  });
  const owned = sonarrClients.filter((client) => client.name === "mediaplane-qbittorrent");
  assert.equal(owned.length, 1);
  assert.equal(owned[0]?.implementation, "QBittorrent");
  assert.equal(field(owned[0], "host"), new URL(url("qbittorrent")).hostname);
  assert.equal(field(owned[0], "tvCategory"), "tv");

  // Prowlarr holds both applications, each with prowlarrUrl and baseUrl the cluster Service URLs.
  const applications = await getFromPod<Provider[]>(await appPod("prowlarr"), 9696, "/api/v1/applications", {
    "X-Api-Key": decoded(keys, apiKeySecretKeys.prowlarr),
  });
  for (const app of ["sonarr", "radarr"] as const) {
    const application = applications.find((candidate) => candidate.name === `mediaplane-${app}`);
    assert.ok(application, `Prowlarr has mediaplane-${app}`);
    assert.equal(field(application, "prowlarrUrl"), url("prowlarr"));
    assert.equal(field(application, "baseUrl"), url(app));
  }

  // Jellyfin's wizard is done and its libraries exist, read with the key the wiring stored.
  const libraries = await getFromPod<Array<{ Name: string; Locations: string[] }>>(
    await appPod("jellyfin"),
    8096,
    "/Library/VirtualFolders",
    { "X-Emby-Token": decoded(keys, apiKeySecretKeys.jellyfinApiKey) },
  );
  assert.deepEqual(libraries.map((library) => library.Name).sort(), ["Movies", "Shows"]);

  // The real qBittorrent pod has the categories, saving under /data/torrents.
  const credentials = await core.readNamespacedSecret({
    namespace,
    name: qbittorrentCredentialsSecretName(stackName),
  });
  const qbittorrent = new QbittorrentClient({
    url: `http://${(await appPod("qbittorrent")).status?.podIP ?? ""}:8080`,
    username: decoded(credentials, "username"),
    password: decoded(credentials, "password"),
    timeoutMs: 5000,
  });
  const categories = await qbittorrent.categories();
  assert.equal(categories["tv"]?.savePath, "/data/torrents/tv");
  assert.equal(categories["movies"]?.savePath, "/data/torrents/movies");
});
