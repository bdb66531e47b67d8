// Decides which qBittorrent a Torrent uses: its client_ref (a MediaStack's qBittorrent or a
// Secret) or the operator-wide default, read from the informer cache; never calls another controller.
import type { V1Secret } from "@kubernetes/client-node";
import { endpointIdentity, type QbittorrentEndpoint } from "../../clients/qbittorrent/poller-registry.js";
import type { CacheReader } from "../../framework/context.js";
import { builtinResources } from "../../framework/resource.js";
import { MediaStackResource, type MediaStack } from "../../generated/mediastack.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";

export interface QbittorrentTarget extends QbittorrentEndpoint {
  /** Identifies one instance with one identity: the poller registry's key. */
  id: string;
  /** What a person reads in conditions: where the settings came from (never the credentials). */
  source: string;
  /** The MediaStack whose qBittorrent this is, when it is one. */
  mediaStack?: MediaStack;
}

export type ClientResolution =
  | { kind: "ready"; target: QbittorrentTarget }
  | { kind: "waiting"; reason: "WaitingForMediaStack" | "SecretNotFound"; message: string }
  | { kind: "invalid"; reason: "InvalidClientSecret" | "NoQbittorrentConfigured"; message: string };

function decode(secret: V1Secret | undefined, key: string): string | undefined {
  const value = secret?.data?.[key];
  return value === undefined ? secret?.stringData?.[key] : Buffer.from(value, "base64").toString("utf8");
}

function targetOf(endpoint: QbittorrentEndpoint, source: string): QbittorrentTarget {
  return { ...endpoint, id: endpointIdentity(endpoint), source };
}

function fromSecret(secret: V1Secret | undefined, source: string, urlOverride?: string): ClientResolution {
  const url = urlOverride ?? decode(secret, "url");
  if (!secret) return { kind: "waiting", reason: "SecretNotFound", message: `${source} does not exist` };
  if (!url) return { kind: "invalid", reason: "InvalidClientSecret", message: `${source} has no key "url"` };
  const username = decode(secret, "username");
  const password = decode(secret, "password");
  const apiKey = decode(secret, "api_key");
  if (!apiKey && (username === undefined || password === undefined)) {
    return {
      kind: "invalid",
      reason: "InvalidClientSecret",
      message: `${source} needs keys username and password, or api_key`,
    };
  }
  return { kind: "ready", target: targetOf({ url, username, password, apiKey }, source) };
}

export function resolveClient(
  torrent: Torrent,
  cache: CacheReader,
  defaultTarget: QbittorrentEndpoint | undefined,
): ClientResolution {
  const namespace = torrent.metadata.namespace;
  const ref = torrent.spec.client_ref;
  if (!ref) {
    if (!defaultTarget) {
      return {
        kind: "invalid",
        reason: "NoQbittorrentConfigured",
        message: "spec.client_ref is empty and the operator has no default qBittorrent (QBITTORRENT_URL)",
      };
    }
    return { kind: "ready", target: targetOf(defaultTarget, "the operator default") };
  }
  if (ref.kind === "Secret") {
    return fromSecret(
      cache.get<V1Secret>(builtinResources.Secret, namespace, ref.name),
      `Secret ${namespace}/${ref.name}`,
    );
  }
  const stack = cache.get<MediaStack>(MediaStackResource, namespace, ref.name);
  const what = `MediaStack ${namespace}/${ref.name}`;
  if (!stack)
    return { kind: "waiting", reason: "WaitingForMediaStack", message: `waiting for ${what} to exist` };
  const qbittorrent = stack.status?.qbittorrent;
  if (!qbittorrent?.url || !qbittorrent.credentialsSecret) {
    return {
      kind: "waiting",
      reason: "WaitingForMediaStack",
      message: `waiting for ${what} to publish its qBittorrent`,
    };
  }
  if (qbittorrent.ready !== true) {
    return {
      kind: "waiting",
      reason: "WaitingForMediaStack",
      message: `waiting for the qBittorrent of ${what} to be ready`,
    };
  }
  const secret = cache.get<V1Secret>(builtinResources.Secret, namespace, qbittorrent.credentialsSecret);
  const resolution = fromSecret(
    secret,
    `Secret ${namespace}/${qbittorrent.credentialsSecret} of ${what}`,
    qbittorrent.url,
  );
  if (resolution.kind !== "ready") return resolution;
  return { kind: "ready", target: { ...resolution.target, source: what, mediaStack: stack } };
}

/** The Torrents that use a MediaStack or Secret, found through the cache (for watch mappings). */
export function torrentsReferencing(
  cache: CacheReader,
  kind: "MediaStack" | "Secret",
  namespace: string,
  name: string,
): string[] {
  return cache
    .list<Torrent>(TorrentResource, namespace)
    .filter((torrent) => torrent.spec.client_ref?.kind === kind && torrent.spec.client_ref.name === name)
    .map((torrent) => `${namespace}/${torrent.metadata.name}`);
}
