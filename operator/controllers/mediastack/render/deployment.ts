// Renders one app's Deployment: image, env, probes, volumes and the seed's security context, plus the
// init containers that lay out /data and seed qBittorrent's credentials.
import type {
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1Probe,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import { dataMountPath } from "../catalog.js";
import {
  apiKeysSecretName,
  appLabels,
  appObjectName,
  appSelectorLabels,
  configClaimName,
  httpPortName,
  volumeNames,
} from "../names.js";
import {
  resolveDataClaimName,
  resolveStackSettings,
  type ResolvedApp,
  type StackSettings,
} from "../stack-settings.js";
import { stackIdentity } from "../stack-identity.js";
import type { ResolvedExporter } from "../monitoring-settings.js";
import { apiKeySecretKeys, presetApiKeyApps } from "./api-keys-secret.js";
import { renderBazarrConfigInitContainer } from "./bazarr-config-init.js";
import { renderDataLayoutInitContainer } from "./data-layout-init.js";
import { renderExporterSidecar } from "./exporter-sidecar.js";
import { renderQbittorrentConfigInitContainer } from "./qbittorrent-config-init.js";
import { renderAppSecurityContext, renderPodSecurityContext } from "./security-contexts.js";

/**
 * Sonarr, Radarr and Prowlarr read `<APP>__AUTH__APIKEY` over config.xml, so the generated key is the
 * app's key from its first start on, and a restored config.xml cannot change it.
 */
function renderApiKeyEnv(stackName: string, app: ResolvedApp): V1EnvVar[] {
  const preset = presetApiKeyApps.find((candidate) => candidate === app.name);
  if (preset === undefined) return [];
  return [
    {
      name: `${preset.toUpperCase()}__AUTH__APIKEY`,
      valueFrom: { secretKeyRef: { name: apiKeysSecretName(stackName), key: apiKeySecretKeys[preset] } },
    },
  ];
}

/**
 * LinuxServer's Transmission image turns on RPC authentication with USER and PASS (its
 * root/etc/s6-overlay/s6-rc.d/init-transmission-config/run writes them into settings.json on every
 * start): the wiring and Sonarr/Radarr log in with the Secret's.
 */
function renderTransmissionLoginEnv(stackName: string, app: ResolvedApp): V1EnvVar[] {
  if (app.name !== "transmission") return [];
  const secretKeyRef = (key: string): V1EnvVar["valueFrom"] => ({
    secretKeyRef: { name: apiKeysSecretName(stackName), key },
  });
  return [
    { name: "USER", valueFrom: secretKeyRef(apiKeySecretKeys.transmissionUsername) },
    { name: "PASS", valueFrom: secretKeyRef(apiKeySecretKeys.transmissionPassword) },
  ];
}

/** TZ for all; PUID/PGID for LinuxServer images; the catalog's; the API key; then the user's, which win by name. */
function renderEnv(stackName: string, app: ResolvedApp, settings: StackSettings): V1EnvVar[] {
  const env: V1EnvVar[] = [{ name: "TZ", value: settings.timezone }];
  if (app.catalog.linuxServer) {
    env.push({ name: "PUID", value: String(settings.puid) }, { name: "PGID", value: String(settings.pgid) });
  }
  for (const [name, value] of Object.entries(app.catalog.env)) env.push({ name, value });
  env.push(...renderApiKeyEnv(stackName, app), ...renderTransmissionLoginEnv(stackName, app));
  for (const variable of app.env) {
    const index = env.findIndex((existing) => existing.name === variable.name);
    if (index === -1) env.push(variable);
    else env[index] = variable;
  }
  return env;
}

/**
 * One check, three probes: startup allows five minutes for a first start or a database migration,
 * liveness restarts an app that stopped answering for 2.5 minutes, readiness gates the Service.
 */
function renderProbes(
  app: ResolvedApp,
): Pick<V1Container, "startupProbe" | "livenessProbe" | "readinessProbe"> {
  const check: V1Probe =
    app.catalog.probe.kind === "http"
      ? { httpGet: { path: app.catalog.probe.path, port: httpPortName } }
      : { tcpSocket: { port: httpPortName } };
  return {
    startupProbe: { ...check, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
    livenessProbe: { ...check, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 5 },
    readinessProbe: { ...check, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  };
}

function renderAppContainer(stackName: string, app: ResolvedApp, settings: StackSettings): V1Container {
  const volumeMounts: V1VolumeMount[] = [
    { name: volumeNames.config, mountPath: app.catalog.configMountPath },
  ];
  // The whole volume at /data, never a subPath: downloads and library must be one file system.
  if (app.catalog.mountsData) volumeMounts.push({ name: volumeNames.data, mountPath: dataMountPath });
  return {
    name: app.name,
    image: app.image,
    imagePullPolicy: settings.imagePullPolicy,
    ports: [{ name: httpPortName, containerPort: app.catalog.port, protocol: "TCP" }],
    env: renderEnv(stackName, app, settings),
    resources: app.resources,
    securityContext: renderAppSecurityContext(app, settings),
    ...renderProbes(app),
    volumeMounts,
  };
}

/** `exporter`: the app's exporter sidecar with spec.monitoring (see monitoring-settings.ts). */
export function renderDeployment(
  stack: MediaStack,
  app: ResolvedApp,
  exporter?: ResolvedExporter,
): V1Deployment {
  const { name: stackName, namespace } = stackIdentity(stack);
  const settings = resolveStackSettings(stack.spec);
  const initContainers: V1Container[] = [];
  if (app.catalog.mountsData) initContainers.push(renderDataLayoutInitContainer(app, settings));
  if (app.name === "qbittorrent") {
    initContainers.push(renderQbittorrentConfigInitContainer(stackName, app, settings));
  }
  if (app.name === "bazarr") initContainers.push(renderBazarrConfigInitContainer(stackName, app, settings));
  const volumes: V1Volume[] = [
    { name: volumeNames.config, persistentVolumeClaim: { claimName: configClaimName(stackName, app.name) } },
  ];
  if (app.catalog.mountsData) {
    volumes.push({
      name: volumeNames.data,
      persistentVolumeClaim: { claimName: resolveDataClaimName(stackName, stack.spec) },
    });
  }
  const { nodeSelector, tolerations, affinity } = stack.spec;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: appObjectName(stackName, app.name), namespace, labels: appLabels(stackName, app.name) },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      // Recreate: the config volume is ReadWriteOnce and the apps' SQLite databases take one writer.
      strategy: { type: "Recreate" },
      selector: { matchLabels: appSelectorLabels(stackName, app.name) },
      template: {
        metadata: { labels: appLabels(stackName, app.name) },
        spec: {
          // Service links would put variables like SONARR_PORT=tcp://... into every app's env.
          enableServiceLinks: false,
          securityContext: renderPodSecurityContext(settings),
          ...(nodeSelector && Object.keys(nodeSelector).length > 0
            ? { nodeSelector: { ...nodeSelector } }
            : {}),
          ...(tolerations && tolerations.length > 0
            ? { tolerations: tolerations.map((t) => ({ ...t })) }
            : {}),
          ...(affinity ? { affinity: structuredClone(affinity) } : {}),
          ...(initContainers.length > 0 ? { initContainers } : {}),
          containers: [
            renderAppContainer(stackName, app, settings),
            ...(exporter ? [renderExporterSidecar(stackName, exporter, settings)] : []),
          ],
          volumes,
        },
      },
    },
  };
}
