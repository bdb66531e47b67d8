// Resolves a MediaStack spec against the catalog and the CRD's defaults into plain settings, so each
// renderer and the status computation read one answer (image, resources, host name, storage source).
import type { V1EnvVar, V1ResourceRequirements } from "@kubernetes/client-node";
import type { MediaStackSpec } from "../../generated/mediastack.js";
import { appCatalog, appNames, stackDefaults, type AppCatalogEntry, type AppName } from "./catalog.js";
import { appObjectName, dataClaimName } from "./names.js";

/** One app's spec (all eight share the CRD's shape). */
export type MediaStackAppSpec = NonNullable<NonNullable<MediaStackSpec["apps"]>[AppName]>;
export type GatewayParentRef = NonNullable<MediaStackSpec["gateway"]>["parentRefs"][number];

export interface StackSettings {
  readonly timezone: string;
  readonly puid: number;
  readonly pgid: number;
  readonly imagePullPolicy: "Always" | "IfNotPresent" | "Never";
}

export function resolveStackSettings(spec: MediaStackSpec): StackSettings {
  return {
    timezone: spec.timezone ?? stackDefaults.timezone,
    puid: spec.puid ?? stackDefaults.puid,
    pgid: spec.pgid ?? stackDefaults.pgid,
    imagePullPolicy: spec.imagePullPolicy ?? stackDefaults.imagePullPolicy,
  };
}

export type StackRouting =
  | {
      readonly kind: "gateway";
      readonly domain: string;
      readonly scheme: "http" | "https";
      readonly parentRefs: readonly GatewayParentRef[];
    }
  | { readonly kind: "ingress"; readonly domain: string; readonly scheme: "http" | "https" }
  | { readonly kind: "none" };

/** How the apps are reached from outside the cluster. The CRD refuses gateway and ingress together. */
export function resolveRouting(spec: MediaStackSpec): StackRouting {
  if (spec.gateway) {
    return {
      kind: "gateway",
      domain: spec.gateway.domain,
      scheme: spec.gateway.scheme ?? stackDefaults.gatewayScheme,
      parentRefs: spec.gateway.parentRefs,
    };
  }
  if (spec.ingress) {
    return {
      kind: "ingress",
      domain: spec.ingress.domain,
      scheme: spec.ingress.tlsSecretName ? "https" : "http",
    };
  }
  return { kind: "none" };
}

export interface ResolvedApp {
  readonly name: AppName;
  readonly catalog: AppCatalogEntry;
  readonly enabled: boolean;
  /** repository:tag */
  readonly image: string;
  readonly resources: V1ResourceRequirements;
  /** The user's extra variables, applied after (and so over) the stack's own. */
  readonly env: readonly V1EnvVar[];
  readonly configSize: string;
  /** The route's host name, when the stack has a gateway or an ingress. */
  readonly hostname?: string;
}

function quantityMap(
  values: Record<string, number | string> | undefined,
): Record<string, string> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}

function resolveResources(app: MediaStackAppSpec, catalog: AppCatalogEntry): V1ResourceRequirements {
  if (!app.resources) {
    return { requests: { ...catalog.resources.requests }, limits: { ...catalog.resources.limits } };
  }
  const resources: V1ResourceRequirements = {};
  const requests = quantityMap(app.resources.requests);
  const limits = quantityMap(app.resources.limits);
  if (limits) resources.limits = limits;
  if (requests) resources.requests = requests;
  return resources;
}

function resolveEnv(app: MediaStackAppSpec): V1EnvVar[] {
  return (app.env ?? []).map((variable) => {
    if (variable.valueFrom?.secretKeyRef) {
      return { name: variable.name, valueFrom: { secretKeyRef: { ...variable.valueFrom.secretKeyRef } } };
    }
    if (variable.valueFrom?.configMapKeyRef) {
      return {
        name: variable.name,
        valueFrom: { configMapKeyRef: { ...variable.valueFrom.configMapKeyRef } },
      };
    }
    return { name: variable.name, value: variable.value ?? "" };
  });
}

export function resolveApp(spec: MediaStackSpec, name: AppName): ResolvedApp {
  const catalog = appCatalog[name];
  const app: MediaStackAppSpec = spec.apps?.[name] ?? {};
  const routing = resolveRouting(spec);
  const configSize = app.configSize ?? spec.storage.config?.size ?? catalog.configSize;
  const resolved: ResolvedApp = {
    name,
    catalog,
    enabled: app.enabled ?? catalog.enabledByDefault,
    image: `${app.image ?? catalog.repository}:${app.tag ?? catalog.tag}`,
    resources: resolveResources(app, catalog),
    env: resolveEnv(app),
    configSize: String(configSize),
  };
  if (routing.kind === "none") return resolved;
  return { ...resolved, hostname: app.hostname ?? `${name}.${routing.domain}` };
}

/** Every catalog app, enabled or not, in catalog order. */
export function resolveApps(spec: MediaStackSpec): ResolvedApp[] {
  return appNames.map((name) => resolveApp(spec, name));
}

export function resolveEnabledApps(spec: MediaStackSpec): ResolvedApp[] {
  return resolveApps(spec).filter((app) => app.enabled);
}

/** Where a person reaches an app from outside, when it has a route. */
export function appExternalUrl(app: ResolvedApp, routing: StackRouting): string | undefined {
  if (routing.kind === "none" || app.hostname === undefined) return undefined;
  return `${routing.scheme}://${app.hostname}`;
}

/** The app's Service by its cluster DNS name, as the other apps reach it. */
export function appServiceHost(stack: string, namespace: string, app: AppName): string {
  return `${appObjectName(stack, app)}.${namespace}.svc.cluster.local`;
}

/** The app's in-cluster URL through its Service (whose port equals the container port). */
export function appServiceUrl(stack: string, namespace: string, app: AppName): string {
  return `http://${appServiceHost(stack, namespace, app)}:${appCatalog[app].port}`;
}

/** What happens to the stack's /data PersistentVolume when it is no longer used (stackDefaults: Retain). */
export function resolveReclaimPolicy(spec: MediaStackSpec): "Retain" | "Delete" {
  return spec.storage.data.reclaimPolicy ?? stackDefaults.reclaimPolicy;
}

export type DataSource =
  | {
      readonly kind: "nfs";
      readonly server: string;
      readonly path: string;
      readonly mountOptions: readonly string[];
      readonly capacity: string;
    }
  | { readonly kind: "existingClaim"; readonly claimName: string }
  | {
      readonly kind: "dittoServer";
      readonly name: string;
      /** The share by name (spec.shares[].name of the DittoServer), or by path; neither: its first share. */
      readonly share?: string;
      readonly path?: string;
    };

/** The /data source; throws on a spec the CRD would have refused (none or several sources). */
export function resolveDataSource(spec: MediaStackSpec): DataSource {
  const { nfs, existingClaim, dittoServerRef } = spec.storage.data;
  const count = [nfs, existingClaim, dittoServerRef].filter((source) => source !== undefined).length;
  if (count !== 1) {
    throw new Error(
      `storage.data must set exactly one of nfs, existingClaim or dittoServerRef (found ${count})`,
    );
  }
  if (nfs) {
    return {
      kind: "nfs",
      server: nfs.server,
      path: nfs.path,
      mountOptions: nfs.mountOptions ?? stackDefaults.nfsMountOptions,
      capacity: String(nfs.capacity ?? stackDefaults.nfsCapacity),
    };
  }
  if (existingClaim !== undefined) return { kind: "existingClaim", claimName: existingClaim };
  const ref = dittoServerRef as NonNullable<typeof dittoServerRef>;
  return {
    kind: "dittoServer",
    name: ref.name,
    ...(ref.share !== undefined ? { share: ref.share } : {}),
    ...(ref.path !== undefined ? { path: ref.path } : {}),
  };
}

/** The claim mounted at /data: the user's existing claim, or the one the stack renders. */
export function resolveDataClaimName(stack: string, spec: MediaStackSpec): string {
  const source = resolveDataSource(spec);
  return source.kind === "existingClaim" ? source.claimName : dataClaimName(stack);
}
