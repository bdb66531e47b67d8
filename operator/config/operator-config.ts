// The operator's settings, read once from environment variables with the MEDIAPLANE_ prefix
// (plus the seed's QBITTORRENT_* for the default qBittorrent), validated with clear errors.

export interface DefaultQbittorrent {
  url: string;
  username?: string;
  password?: string;
  apiKey?: string;
}

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
  defaultQbittorrent?: DefaultQbittorrent;
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
  const { defaultQbittorrent, ...rest } = config;
  return {
    ...rest,
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
