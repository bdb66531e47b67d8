// Reads, from the cache only, whether the DittoServer a stack names is Ready and serves the stack's
// share (by name, path, or its first), and where its NFS Service listens (ClusterIP: kubelet mounts from the node).
import type { V1Service } from "@kubernetes/client-node";
import type { CacheReader } from "../../framework/context.js";
import { builtinResources } from "../../framework/resource.js";
import { DittoServerResource, type DittoServer } from "../../generated/dittoserver.js";
import type { DittoServerNfsEndpoint } from "./render/index.js";
import { stackDefaults } from "./catalog.js";
import type { DataSource } from "./stack-settings.js";
import type { ObservedDittoServer } from "./storage-condition.js";

type DittoServerSource = Extract<DataSource, { kind: "dittoServer" }>;

/**
 * The DittoServer controller names its file Service `<name>-file` (dittoserver/names.ts,
 * dittoServerNames.fileService). Controllers never import each other, so the one convention is
 * repeated here; a DittoServer integration test would break if the two drifted apart.
 */
export function dittoServerFileServiceName(dittoServer: string): string {
  return `${dittoServer}-file`;
}

/** The DittoServer name whose file Service this is, if the name follows the convention. */
export function dittoServerOfFileService(serviceName: string): string | undefined {
  return serviceName.endsWith("-file") ? serviceName.slice(0, -"-file".length) : undefined;
}

export interface DittoServerObservation {
  readonly observed: ObservedDittoServer;
  /** Set only when the DittoServer is Ready and its file Service has a ClusterIP. */
  readonly endpoint?: DittoServerNfsEndpoint;
}

/** The NFS port of the file Service: the port named nfs, else the first one. */
function nfsPort(service: V1Service): number | undefined {
  const ports = service.spec?.ports ?? [];
  return (ports.find((port) => port.name === "nfs") ?? ports[0])?.port;
}

/**
 * Why the server does not serve `path` yet, from its status.shares; undefined when it does, or when the
 * operator does not configure it (spec.serverApi.manage false: the user manages its shares).
 */
function shareNotServed(server: DittoServer, path: string): string | undefined {
  if (server.spec.serverApi?.manage === false) return undefined;
  const shares = server.status?.shares ?? [];
  if (shares.some((share) => share.path === path && share.served === true && share.inSpec === true)) {
    return undefined;
  }
  const served = shares.filter((share) => share.served === true).map((share) => share.path);
  return (
    `it does not serve ${path} yet (its shares: ${served.length === 0 ? "none" : served.join(", ")}; ` +
    "add the path to its spec.shares)"
  );
}

/**
 * The export path the stack mounts: the data PersistentVolume's once it exists (its source cannot
 * change, whatever happens to the server's list later), else `path`, else the share named `share`,
 * else the server's first share. A DittoServer without spec.shares has one share, `export` at /export
 * (the DittoServer controller's default, repeated here because controllers never import each other).
 */
export function sharePathFor(
  server: DittoServer,
  source: DittoServerSource,
  boundPath?: string,
): { path: string } | { problem: string } {
  if (boundPath !== undefined) return { path: boundPath };
  if (source.path !== undefined) return { path: source.path };
  const shares = server.spec.shares ?? [{ name: "export", path: stackDefaults.dittoServerPath }];
  if (source.share === undefined) {
    const first = shares[0];
    return first ? { path: first.path } : { problem: "it has no share in its spec.shares" };
  }
  const named = shares.find((share) => share.name === source.share);
  if (named) return { path: named.path };
  const names = shares.map((share) => share.name).join(", ") || "none";
  return { problem: `it has no share named ${source.share} (its shares: ${names})` };
}

/** The NFS source of the stack's existing data PersistentVolume, if it has one. */
export interface ExistingDataVolume {
  readonly server?: string;
  readonly path?: string;
}

export function observeDittoServer(
  cache: CacheReader,
  namespace: string,
  source: DittoServerSource,
  volume?: ExistingDataVolume,
): DittoServerObservation {
  const { name } = source;
  const server = cache.get<DittoServer>(DittoServerResource, namespace, name);
  if (!server) return { observed: { found: false, ready: false } };
  const serviceName = dittoServerFileServiceName(name);
  const service = cache.get<V1Service>(builtinResources.Service, namespace, serviceName);
  const clusterIP = service?.spec?.clusterIP;
  // Only a volume of this server's export pins the path; one left from an earlier nfs source does not.
  const boundPath = clusterIP !== undefined && volume?.server === clusterIP ? volume.path : undefined;
  const share = sharePathFor(server, source, boundPath);
  if ("problem" in share) return { observed: { found: true, ready: false, message: share.problem } };
  const ready = server.status?.conditions?.find((condition) => condition.type === "Ready");
  if (ready?.status !== "True") {
    const message = ready
      ? `its Ready condition is ${ready.status} (${ready.reason}${ready.message ? `: ${ready.message}` : ""})`
      : "it has no Ready condition yet";
    return { observed: { found: true, ready: false, message } };
  }
  const notServed = shareNotServed(server, share.path);
  if (notServed !== undefined) return { observed: { found: true, ready: false, message: notServed } };
  const port = service ? nfsPort(service) : undefined;
  if (!service || !clusterIP || clusterIP === "None" || port === undefined) {
    const why = service ? "has no ClusterIP or port" : "does not exist";
    return { observed: { found: true, ready: false, message: `its file Service ${serviceName} ${why} yet` } };
  }
  return { observed: { found: true, ready: true }, endpoint: { clusterIP, port, path: share.path } };
}
