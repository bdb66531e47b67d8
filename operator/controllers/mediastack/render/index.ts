// renderMediaStack: the whole desired state of one MediaStack as plain objects, in apply order,
// plus the owned objects to keep unrendered. Pure: the reconcile passes in what it generated or observed.
import type { KubernetesObject, V1PersistentVolume } from "@kubernetes/client-node";
import type { ChildReference } from "../../../framework/children.js";
import type { MediaStack } from "../../../generated/mediastack.js";
import {
  apiKeysSecretName,
  configClaimName,
  dataClaimName,
  dataVolumeName,
  qbittorrentCredentialsSecretName,
} from "../names.js";
import { exporterOf, resolveMonitoring } from "../monitoring-settings.js";
import { resolveApps, resolveDataSource, resolveReclaimPolicy, resolveRouting } from "../stack-settings.js";
import { stackIdentity } from "../stack-identity.js";
import { renderApiKeysSecret, type StackApiKeys } from "./api-keys-secret.js";
import { renderConfigClaim } from "./config-pvc.js";
import { renderQbittorrentCredentialsSecret, type QbittorrentCredentials } from "./credentials-secret.js";
import { resolveNfsExport, type DittoServerNfsEndpoint } from "./data-export.js";
import { renderDataClaim } from "./data-pvc.js";
import { renderDeployment } from "./deployment.js";
import { renderHttpRoute } from "./http-route.js";
import { renderIngress } from "./ingress.js";
import { renderNetworkPolicy } from "./network-policy.js";
import { renderNfsPersistentVolume } from "./nfs-persistent-volume.js";
import { renderService } from "./service.js";
import { renderServiceMonitor } from "./service-monitor.js";

export type { QbittorrentCredentials } from "./credentials-secret.js";
export type { StackApiKeys } from "./api-keys-secret.js";
export type { DittoServerNfsEndpoint } from "./data-export.js";

export interface MediaStackRenderInputs {
  /**
   * The qBittorrent WebUI credentials: generated once by the reconcile (node:crypto, hash from
   * hashQbittorrentPassword) when the Secret does not exist, else read back with
   * readQbittorrentCredentials. Required while qBittorrent is enabled.
   */
  readonly qbittorrentCredentials?: QbittorrentCredentials;
  /**
   * The apps' API keys and Jellyfin admin, generated once by the reconcile (wiring/api-keys.ts) or
   * read back. Without them the Secret is kept as it is, never pruned; the apps' env refers to it by name.
   */
  readonly apiKeys?: StackApiKeys;
  /** With storage.data.dittoServerRef: the DittoServer's file Service, once it has one. */
  readonly dittoServerNfs?: DittoServerNfsEndpoint;
  /** The stack's PersistentVolume as observed, so its binding is kept (see nfs-persistent-volume.ts). */
  readonly observedDataVolume?: V1PersistentVolume;
  /** uid of the stack's data claim as observed. */
  readonly observedDataClaimUid?: string;
}

export interface MediaStackRender {
  /**
   * Cluster-scoped, so it cannot be owned: apply it first, without an owner reference; it carries
   * persistentVolumeOwnerLabels and the MediaStack's finalizer deletes or keeps it per reclaimPolicy.
   */
  readonly persistentVolume?: V1PersistentVolume;
  /** Namespaced children in apply order; each gets the MediaStack as controller owner. */
  readonly children: readonly KubernetesObject[];
  /**
   * Owned children the framework must not prune although they are not rendered: the config claims
   * of disabled apps and the qBittorrent credentials, unless storage.config.deleteOnDisable.
   */
  readonly keep: readonly ChildReference[];
  /**
   * The stack's own volume, to delete if it carries the stack's owner labels: after a switch to
   * existingClaim with reclaimPolicy Delete.
   */
  readonly unusedVolumeName?: string;
}

/** Throws only on input the reconcile must never pass: a stack validateStack() refuses, or missing credentials. */
export function renderMediaStack(stack: MediaStack, inputs: MediaStackRenderInputs = {}): MediaStackRender {
  const { name, namespace } = stackIdentity(stack);
  const spec = stack.spec;
  const apps = resolveApps(spec);
  const enabled = apps.filter((app) => app.enabled);
  const routing = resolveRouting(spec);
  const source = resolveDataSource(spec);
  const keepConfigOnDisable = spec.storage.config?.deleteOnDisable !== true;
  const children: KubernetesObject[] = [];
  const keep: ChildReference[] = [];

  const qbittorrent = enabled.find((app) => app.name === "qbittorrent");
  if (qbittorrent) {
    if (!inputs.qbittorrentCredentials) {
      throw new Error("renderMediaStack: qBittorrent is enabled but no credentials were passed in");
    }
    children.push(renderQbittorrentCredentialsSecret(stack, inputs.qbittorrentCredentials));
  } else if (keepConfigOnDisable) {
    keep.push({ apiVersion: "v1", kind: "Secret", name: qbittorrentCredentialsSecretName(name) });
  }

  if (inputs.apiKeys) children.push(renderApiKeysSecret(stack, inputs.apiKeys));
  else keep.push({ apiVersion: "v1", kind: "Secret", name: apiKeysSecretName(name) });

  const nfsExport = resolveNfsExport(spec, inputs.dittoServerNfs);
  const persistentVolume = nfsExport
    ? renderNfsPersistentVolume(stack, nfsExport, {
        volume: inputs.observedDataVolume,
        claimUid: inputs.observedDataClaimUid,
      })
    : undefined;
  if (nfsExport) children.push(renderDataClaim(stack, nfsExport.capacity));
  // An existing claim that took the name of the stack's own claim is the user's now: never pruned.
  const ownClaimReused = source.kind === "existingClaim" && source.claimName === dataClaimName(name);
  if (ownClaimReused)
    keep.push({ apiVersion: "v1", kind: "PersistentVolumeClaim", name: dataClaimName(name) });
  const unusedVolumeName =
    source.kind === "existingClaim" && !ownClaimReused && resolveReclaimPolicy(spec) === "Delete"
      ? dataVolumeName(namespace, name)
      : undefined;

  if (spec.networkPolicy?.enabled === true) children.push(renderNetworkPolicy(stack));
  for (const app of enabled) children.push(renderConfigClaim(stack, app));
  const monitoring = resolveMonitoring(spec, inputs.apiKeys);
  for (const app of enabled) children.push(renderService(stack, app, exporterOf(monitoring, app.name)));
  for (const app of enabled) children.push(renderDeployment(stack, app, exporterOf(monitoring, app.name)));
  const serviceMonitor = renderServiceMonitor(stack, monitoring);
  if (serviceMonitor) children.push(serviceMonitor);
  for (const app of enabled) {
    if (routing.kind === "gateway") children.push(renderHttpRoute(stack, app));
    if (routing.kind === "ingress") children.push(renderIngress(stack, app));
  }
  if (keepConfigOnDisable) {
    for (const app of apps.filter((candidate) => !candidate.enabled)) {
      keep.push({ apiVersion: "v1", kind: "PersistentVolumeClaim", name: configClaimName(name, app.name) });
    }
  }

  return {
    ...(persistentVolume ? { persistentVolume } : {}),
    children,
    keep,
    ...(unusedVolumeName ? { unusedVolumeName } : {}),
  };
}
