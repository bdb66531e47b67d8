// renderMediaStack: the whole desired state of one MediaStack as plain objects, in apply order,
// plus what must not exist. Pure: the reconcile passes in what it generated or observed.
import type { KubernetesObject, V1PersistentVolume } from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import {
  appObjectName,
  configClaimName,
  dataClaimName,
  dataVolumeName,
  networkPolicyName,
  qbittorrentCredentialsSecretName,
} from "../names.js";
import { resolveApps, resolveDataSource, resolveRouting } from "../stack-settings.js";
import { stackIdentity } from "../stack-identity.js";
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

export type { QbittorrentCredentials } from "./credentials-secret.js";
export type { DittoServerNfsEndpoint } from "./data-export.js";

export interface MediaStackRenderInputs {
  /**
   * The qBittorrent WebUI credentials: generated once by the reconcile (node:crypto, hash from
   * hashQbittorrentPassword) when the Secret does not exist, else read back with
   * readQbittorrentCredentials. Required while qBittorrent is enabled.
   */
  readonly qbittorrentCredentials?: QbittorrentCredentials;
  /** With storage.data.dittoServerRef: the DittoServer's file Service, once it has one. */
  readonly dittoServerNfs?: DittoServerNfsEndpoint;
  /** The stack's PersistentVolume as observed, so its binding is kept (see nfs-persistent-volume.ts). */
  readonly observedDataVolume?: V1PersistentVolume;
  /** uid of the stack's data claim as observed. */
  readonly observedDataClaimUid?: string;
  /** Cluster DNS domain for in-cluster URLs (default cluster.local). */
  readonly clusterDomain?: string;
}

/** An object to delete if it exists and this stack owns it. */
export interface ChildReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for the cluster-scoped PersistentVolume. */
  readonly namespace?: string;
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
   * Objects the spec no longer wants: those of disabled apps (config claims only with
   * storage.config.deleteOnDisable), the routing kind not in use, a disabled NetworkPolicy, the data
   * claim after a switch to existingClaim. Delete only what carries this stack's controller reference
   * (the PersistentVolume: its owner labels), and ignore NotFound.
   */
  readonly stale: readonly ChildReference[];
}

/** Every kind a stack renders: what the controller watches and maps back to its MediaStack. */
export const mediaStackChildKinds = [
  { apiVersion: "v1", kind: "Secret" },
  { apiVersion: "v1", kind: "PersistentVolumeClaim" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress" },
  { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute" },
] as const;

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
  const stale: ChildReference[] = [];
  const ref = (apiVersion: string, kind: string, objectName: string): ChildReference => ({
    apiVersion,
    kind,
    name: objectName,
    namespace,
  });

  const qbittorrent = enabled.find((app) => app.name === "qbittorrent");
  if (qbittorrent) {
    if (!inputs.qbittorrentCredentials) {
      throw new Error("renderMediaStack: qBittorrent is enabled but no credentials were passed in");
    }
    children.push(
      renderQbittorrentCredentialsSecret(stack, inputs.qbittorrentCredentials, inputs.clusterDomain),
    );
  } else if (!keepConfigOnDisable) {
    stale.push(ref("v1", "Secret", qbittorrentCredentialsSecretName(name)));
  }

  const nfsExport = resolveNfsExport(spec, inputs.dittoServerNfs);
  const persistentVolume = nfsExport
    ? renderNfsPersistentVolume(stack, nfsExport, {
        volume: inputs.observedDataVolume,
        claimUid: inputs.observedDataClaimUid,
      })
    : undefined;
  if (nfsExport) children.push(renderDataClaim(stack, nfsExport.capacity));
  if (source.kind === "existingClaim" && source.claimName !== dataClaimName(name)) {
    stale.push(ref("v1", "PersistentVolumeClaim", dataClaimName(name)));
    if ((spec.storage.data.reclaimPolicy ?? "Retain") === "Delete") {
      stale.push({ apiVersion: "v1", kind: "PersistentVolume", name: dataVolumeName(namespace, name) });
    }
  }

  if (spec.networkPolicy?.enabled === true) children.push(renderNetworkPolicy(stack));
  else stale.push(ref("networking.k8s.io/v1", "NetworkPolicy", networkPolicyName(name)));

  for (const app of enabled) children.push(renderConfigClaim(stack, app));
  for (const app of enabled) children.push(renderService(stack, app));
  for (const app of enabled) children.push(renderDeployment(stack, app));
  for (const app of enabled) {
    if (routing.kind === "gateway") children.push(renderHttpRoute(stack, app));
    if (routing.kind === "ingress") children.push(renderIngress(stack, app));
  }

  for (const app of apps) {
    const objectName = appObjectName(name, app.name);
    if (!app.enabled) {
      stale.push(ref("apps/v1", "Deployment", objectName), ref("v1", "Service", objectName));
      if (!keepConfigOnDisable)
        stale.push(ref("v1", "PersistentVolumeClaim", configClaimName(name, app.name)));
    }
    if (!app.enabled || routing.kind !== "gateway") {
      stale.push(ref("gateway.networking.k8s.io/v1", "HTTPRoute", objectName));
    }
    if (!app.enabled || routing.kind !== "ingress")
      stale.push(ref("networking.k8s.io/v1", "Ingress", objectName));
  }

  return { ...(persistentVolume ? { persistentVolume } : {}), children, stale };
}
