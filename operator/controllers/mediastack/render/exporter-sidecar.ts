// Renders an app's exporter sidecar (spec.monitoring): exportarr or qbittorrent-exporter in the app's pod,
// reaching the app on localhost, its credentials only by secretKeyRef, serving the `monitoring` port.
import type { V1Container, V1EnvVar } from "@kubernetes/client-node";
import { exportarrEnv, qbittorrentExporterEnv, type ExporterCatalogEntry } from "../exporter-catalog.js";
import type { ResolvedExporter } from "../monitoring-settings.js";
import { apiKeysSecretName, monitoringPortName, qbittorrentCredentialsSecretName } from "../names.js";
import type { StackSettings } from "../stack-settings.js";
import { apiKeySecretKeys } from "./api-keys-secret.js";
import { qbittorrentCredentialKeys } from "./credentials-secret.js";

/** The sidecar's container name: one exporter per pod, so the exporter's own name is unambiguous. */
export function exporterContainerName(exporter: ResolvedExporter): string {
  return exporter.catalog.displayName;
}

function secretEnv(name: string, secret: string, key: string): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/**
 * qBittorrent up to 5.1 names its session cookie SID, 5.2 on QBT_SID_<WebUI port> (ANCHORS.md), and
 * the exporter sends back the value of Set-Cookie under QBITTORRENT_COOKIE_NAME (qbit/auth.go). Read
 * from the image tag (LinuxServer's `5.2.3_v2.0.13-ls469`); a tag without a version is taken as 5.2+.
 */
export function qbittorrentSessionCookieName(image: string, port: number): string {
  const tag = image.slice(image.lastIndexOf(":") + 1);
  const version = /^v?(\d+)\.(\d+)/.exec(tag);
  if (version) {
    const [major, minor] = [Number(version[1]), Number(version[2])];
    if (major < 5 || (major === 5 && minor < 2)) return "SID";
  }
  return `QBT_SID_${port}`;
}

function exporterEnv(stackName: string, exporter: ResolvedExporter): V1EnvVar[] {
  const { app, catalog } = exporter;
  const appUrl = `http://localhost:${app.catalog.port}`;
  if (exporter.exporter === "qbittorrentExporter") {
    const secret = qbittorrentCredentialsSecretName(stackName);
    return [
      { name: qbittorrentExporterEnv.port, value: String(catalog.port) },
      { name: qbittorrentExporterEnv.baseUrl, value: appUrl },
      secretEnv(qbittorrentExporterEnv.username, secret, qbittorrentCredentialKeys.username),
      secretEnv(qbittorrentExporterEnv.password, secret, qbittorrentCredentialKeys.password),
      {
        name: qbittorrentExporterEnv.cookieName,
        value: qbittorrentSessionCookieName(app.image, app.catalog.port),
      },
      // The dashboard shows no tracker panel; off spares qBittorrent a tracker request per torrent.
      { name: qbittorrentExporterEnv.enableTracker, value: "false" },
    ];
  }
  const keyName = app.name as keyof typeof apiKeySecretKeys;
  return [
    { name: exportarrEnv.port, value: String(catalog.port) },
    { name: exportarrEnv.url, value: appUrl },
    secretEnv(exportarrEnv.apiKey, apiKeysSecretName(stackName), apiKeySecretKeys[keyName]),
  ];
}

function exporterResources(catalog: ExporterCatalogEntry): V1Container["resources"] {
  return { requests: { ...catalog.resources.requests }, limits: { ...catalog.resources.limits } };
}

/** Both images are static binaries that write nothing: non-root, read-only root, no capability. */
export function renderExporterSidecar(
  stackName: string,
  exporter: ResolvedExporter,
  settings: StackSettings,
): V1Container {
  const { catalog } = exporter;
  return {
    name: exporterContainerName(exporter),
    image: exporter.image,
    imagePullPolicy: settings.imagePullPolicy,
    // exportarr's entrypoint is `/tini -- /exportarr` (Dockerfile): the app is its one argument.
    ...(exporter.exporter === "exportarr" ? { args: [exporter.app.name] } : {}),
    ports: [{ name: monitoringPortName, containerPort: catalog.port, protocol: "TCP" }],
    env: exporterEnv(stackName, exporter),
    resources: exporterResources(catalog),
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: catalog.runAsUser,
      runAsGroup: catalog.runAsUser,
      capabilities: { drop: ["ALL"] },
    },
  };
}
