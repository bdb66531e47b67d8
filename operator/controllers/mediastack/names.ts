// Every object name and label a MediaStack produces, built in one place so the renderers, the
// reconcile, the status computation and a test listing all of a stack's names agree.
import { createHash } from "node:crypto";
import { appNames, type AppName } from "./catalog.js";

/** Deployment, Service, HTTPRoute and Ingress of one app. */
export function appObjectName(stack: string, app: AppName): string {
  return `${stack}-${app}`;
}

/** The app's ReadWriteOnce config claim. */
export function configClaimName(stack: string, app: AppName): string {
  return `${stack}-${app}-config`;
}

/** The stack's ReadWriteMany /data claim (nfs and dittoServerRef; existingClaim brings its own). */
export function dataClaimName(stack: string): string {
  return `${stack}-data`;
}

export function networkPolicyName(stack: string): string {
  return stack;
}

export function qbittorrentCredentialsSecretName(stack: string): string {
  return `${stack}-qbittorrent-credentials`;
}

/** The apps' generated API keys and Jellyfin's admin (see wiring/api-keys.ts). */
export function apiKeysSecretName(stack: string): string {
  return `${stack}-api-keys`;
}

const maxObjectNameLength = 253;

/**
 * The stack's cluster-scoped PersistentVolume. Namespace names are DNS labels (no dots), so the dot
 * after the namespace makes the name unambiguous: `a-b`/`c` and `a`/`b-c` cannot collide, which a
 * plain `<ns>-<stack>` join would. Over 253 characters (only for names the CRD would refuse) the
 * name is cut and suffixed with a hash of namespace/stack.
 */
export function dataVolumeName(namespace: string, stack: string): string {
  const name = `mediaplane-${namespace}.${stack}-data`;
  if (name.length <= maxObjectNameLength) return name;
  const hash = createHash("sha256").update(`${namespace}/${stack}`).digest("hex").slice(0, 16);
  const kept = name.slice(0, maxObjectNameLength - hash.length - 1).replace(/[.-]+$/, "");
  return `${kept}-${hash}`;
}

/** Names of the containers in an app's pod besides the app's own (named after the app). */
export const initContainerNames = {
  dataLayout: "init-data-layout",
  qbittorrentConfig: "init-qbittorrent-config",
  bazarrConfig: "init-bazarr-config",
} as const;

/** Pod volume names. */
export const volumeNames = { config: "config", data: "data" } as const;

/** The container port name every app's Service targets. */
export const httpPortName = "http";

/** The port name of an app's exporter sidecar, on its container and its Service (spec.monitoring). */
export const monitoringPortName = "monitoring";

/** The stack's prometheus-operator ServiceMonitor (spec.monitoring, while its CRD is served). */
export function serviceMonitorName(stack: string): string {
  return stack;
}

export interface StackObjectName {
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
}

/** Every object a stack can ever produce, whatever its spec: what a cleanup or a collision test walks. */
export function allStackObjectNames(namespace: string, stack: string): StackObjectName[] {
  const names: StackObjectName[] = [
    { kind: "PersistentVolume", name: dataVolumeName(namespace, stack) },
    { kind: "PersistentVolumeClaim", name: dataClaimName(stack), namespace },
    { kind: "NetworkPolicy", name: networkPolicyName(stack), namespace },
    { kind: "Secret", name: qbittorrentCredentialsSecretName(stack), namespace },
    { kind: "Secret", name: apiKeysSecretName(stack), namespace },
    { kind: "ServiceMonitor", name: serviceMonitorName(stack), namespace },
  ];
  for (const app of appNames) {
    names.push({ kind: "PersistentVolumeClaim", name: configClaimName(stack, app), namespace });
    for (const kind of ["Deployment", "Service", "HTTPRoute", "Ingress"]) {
      names.push({ kind, name: appObjectName(stack, app), namespace });
    }
  }
  return names;
}

const labelPrefix = "app.kubernetes.io";

/** Labels of everything a stack renders. */
export function stackLabels(stack: string): Record<string, string> {
  return {
    [`${labelPrefix}/instance`]: stack,
    [`${labelPrefix}/managed-by`]: "mediaplane",
    [`${labelPrefix}/part-of`]: "mediastack",
  };
}

/** Labels of one app's objects and pods. */
export function appLabels(stack: string, app: AppName): Record<string, string> {
  return { ...stackLabels(stack), [`${labelPrefix}/name`]: app };
}

/** Labels of the objects the apps share (data volume and claim, NetworkPolicy, credentials). */
export function sharedLabels(stack: string, component: string): Record<string, string> {
  return { ...stackLabels(stack), [`${labelPrefix}/component`]: component };
}

/** A Deployment's selector: immutable, so only the two labels that can never change. */
export function appSelectorLabels(stack: string, app: AppName): Record<string, string> {
  return { [`${labelPrefix}/instance`]: stack, [`${labelPrefix}/name`]: app };
}

/** Selects every pod of the stack (and nothing else in the namespace with the same instance label). */
export function stackPodSelectorLabels(stack: string): Record<string, string> {
  return { [`${labelPrefix}/instance`]: stack, [`${labelPrefix}/managed-by`]: "mediaplane" };
}

export const stackNamespaceLabel = "mediaplane.io/stack-namespace";
export const stackNameLabel = "mediaplane.io/stack-name";

/**
 * Owner labels of the cluster-scoped PersistentVolume, which cannot carry an owner reference to a
 * namespaced MediaStack: the finalizer finds its volume by them.
 */
export function persistentVolumeOwnerLabels(namespace: string, stack: string): Record<string, string> {
  return { [stackNamespaceLabel]: namespace, [stackNameLabel]: stack };
}
