// The operator's settings, read once from environment variables with the MEDIAPLANE_ prefix
// (plus the seed's QBITTORRENT_* for the default qBittorrent), validated with clear errors.

import type { QbittorrentEndpoint } from "../clients/qbittorrent/poller-registry.js";

/** QBITTORRENT_URL, _USERNAME, _PASSWORD, _API_KEY: the qBittorrent of Torrents without client_ref. */
export type DefaultQbittorrent = QbittorrentEndpoint;

export interface OperatorConfig {
  logLevel: "error" | "warn" | "info" | "debug";
  logFormat: "json" | "console";
  probeHost: string;
  probePort: number;
  leaderElection: boolean;
  leaseNamespace: string;
  leaseName: string;
  identity?: string;
  concurrency: number;
  shutdownDeadlineMs: number;
  torrentPollIntervalMs: number;
  /** Torrent reconciles run at once (they mostly wait on qBittorrent's batched adds). */
  torrentConcurrency: number;
  /** A downloading Torrent's progress is written at most once per this interval. */
  torrentProgressIntervalMs: number;
  defaultQbittorrent?: DefaultQbittorrent;
  /** How often a configured DittoServer's REST API is compared with its spec again (drift repair). */
  dittoServerDriftCheckSeconds: number;
  /**
   * MEDIAPLANE_SERVICE_URL_ALIASES "from=to,..." (and its older name MEDIAPLANE_QBITTORRENT_URL_ALIASES):
   * reach in-cluster Service URLs (the stack's qBittorrent and apps) another way, for an operator that
   * runs outside the cluster: tests and the demo. Never needed in a cluster.
   */
  serviceUrlAliases: ReadonlyMap<string, string>;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Env = Record<string, string | undefined>;

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const value = env[key] ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${key}=${value} is not one of ${allowed.join(", ")}`);
  }
  return value as T;
}

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key}=${raw} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function boolean(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  if (["true", "1", "yes"].includes(raw.toLowerCase())) return true;
  if (["false", "0", "no"].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${key}=${raw} must be true or false`);
}

function urlAliases(env: Env, key: string, into = new Map<string, string>()): Map<string, string> {
  const aliases = into;
  for (const pair of (env[key] ?? "").split(",").filter((part) => part.trim() !== "")) {
    const [from, to, ...rest] = pair.split("=");
    if (!from?.trim() || !to?.trim() || rest.length > 0 || !/^https?:\/\//.test(to.trim())) {
      throw new ConfigError(`${key} must be "from=to" URL pairs separated by commas, got "${pair}"`);
    }
    aliases.set(from.trim(), to.trim());
  }
  return aliases;
}

export function loadConfig(env: Env = process.env): OperatorConfig {
  const url = env.QBITTORRENT_URL;
  if (url !== undefined && url !== "" && !/^https?:\/\/[^/]+/.test(url)) {
    throw new ConfigError("QBITTORRENT_URL must be an http(s) URL such as http://qbittorrent.media.svc:8080");
  }
  return {
    logLevel: oneOf(env, "MEDIAPLANE_LOG_LEVEL", ["error", "warn", "info", "debug"], "info"),
    logFormat: oneOf(env, "MEDIAPLANE_LOG_FORMAT", ["json", "console"], "json"),
    probeHost: env.MEDIAPLANE_PROBE_HOST ?? "0.0.0.0",
    probePort: integer(env, "MEDIAPLANE_PROBE_PORT", 8080, 0, 65535),
    leaderElection: boolean(env, "MEDIAPLANE_LEADER_ELECTION", true),
    leaseNamespace: env.MEDIAPLANE_LEASE_NAMESPACE ?? env.POD_NAMESPACE ?? "default",
    leaseName: env.MEDIAPLANE_LEASE_NAME ?? "mediaplane-operator",
    identity: env.POD_NAME,
    concurrency: integer(env, "MEDIAPLANE_CONCURRENCY", 8, 1, 256),
    shutdownDeadlineMs: integer(env, "MEDIAPLANE_SHUTDOWN_DEADLINE_SECONDS", 20, 1, 600) * 1000,
    torrentPollIntervalMs: integer(env, "MEDIAPLANE_TORRENT_POLL_SECONDS", 5, 1, 3600) * 1000,
    serviceUrlAliases: urlAliases(
      env,
      "MEDIAPLANE_SERVICE_URL_ALIASES",
      urlAliases(env, "MEDIAPLANE_QBITTORRENT_URL_ALIASES"),
    ),
    torrentConcurrency: integer(env, "MEDIAPLANE_TORRENT_CONCURRENCY", 64, 1, 1024),
    torrentProgressIntervalMs: integer(env, "MEDIAPLANE_TORRENT_PROGRESS_SECONDS", 10, 0, 3600) * 1000,
    dittoServerDriftCheckSeconds: integer(env, "MEDIAPLANE_DITTOFS_DRIFT_CHECK_SECONDS", 120, 1, 86400),
    defaultQbittorrent: url
      ? {
          url,
          username: env.QBITTORRENT_USERNAME,
          password: env.QBITTORRENT_PASSWORD,
          apiKey: env.QBITTORRENT_API_KEY,
        }
      : undefined,
  };
}

/** The configuration as it may be logged: credentials are replaced by whether they are set. */
export function describeConfig(config: OperatorConfig): Record<string, unknown> {
  const { defaultQbittorrent, serviceUrlAliases, ...rest } = config;
  return {
    ...rest,
    serviceUrlAliases: Object.fromEntries(serviceUrlAliases),
    defaultQbittorrent: defaultQbittorrent
      ? {
          url: defaultQbittorrent.url,
          username: defaultQbittorrent.username ? "set" : "unset",
          password: defaultQbittorrent.password ? "set" : "unset",
          apiKey: defaultQbittorrent.apiKey ? "set" : "unset",
        }
      : "none",
  };
}
