// The operator process: reads configuration, wires the three controllers onto the framework,
// and turns SIGTERM/SIGINT into a graceful shutdown. Wiring only; no logic lives here.
import type { Logger } from "winston";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { delimiter } from "node:path";
import { pathToFileURL } from "node:url";
import { PollerRegistry } from "./clients/qbittorrent/poller-registry.js";
import { QbittorrentRequestMetrics } from "./clients/qbittorrent/request-metrics.js";
import { ConfigError, describeConfig, loadConfig, type OperatorConfig } from "./config/operator-config.js";
import { dittoServerExtraResources } from "./controllers/dittoserver/child-resources.js";
import { registerControllers } from "./controllers/register.js";
import { ConfigMapLoginLedger, loginLedgerName } from "./controllers/torrent/login-ledger-configmap.js";
import { createLogger } from "./framework/logger.js";
import { Operator } from "./framework/operator.js";
import { KubeAccessError, loadKubeAccess, type KubeAccess } from "./framework/kube-access.js";

const usage = `mediaplane operator

Usage: mediaplane [--help] [--check-config]

Runs the Torrent, MediaStack and DittoServer controllers against the cluster of the
in-cluster service account, or of KUBECONFIG / ~/.kube/config outside a cluster.

  --check-config   validate the environment configuration, print it (without secrets), exit
  --help           this text

Configuration (environment): MEDIAPLANE_LOG_LEVEL (info), MEDIAPLANE_LOG_FORMAT (json|console),
MEDIAPLANE_PROBE_PORT (8080: /healthz, /readyz, /metrics), MEDIAPLANE_LEADER_ELECTION (true),
MEDIAPLANE_LEASE_NAMESPACE (POD_NAMESPACE), MEDIAPLANE_CONCURRENCY (8),
MEDIAPLANE_TORRENT_POLL_SECONDS (5), MEDIAPLANE_TORRENT_PROGRESS_SECONDS (10),
MEDIAPLANE_TORRENT_CONCURRENCY (64),
MEDIAPLANE_SHUTDOWN_DEADLINE_SECONDS (20),
MEDIAPLANE_DITTOFS_DRIFT_CHECK_SECONDS (120: how often a DittoServer's REST API is compared with its spec),
QBITTORRENT_URL, QBITTORRENT_USERNAME, QBITTORRENT_PASSWORD, QBITTORRENT_API_KEY
(the default qBittorrent for Torrents without spec.client_ref),
MEDIAPLANE_SERVICE_URL_ALIASES ("from=to,..."; older name MEDIAPLANE_QBITTORRENT_URL_ALIASES: only
for an operator that runs outside the cluster, as tests and the demo do: reach in-cluster Service
URLs, a MediaStack's qBittorrent and apps, a DittoServer's <name>-api, through another address).
`;

export interface RunningOperator {
  operator: Operator;
  stop(): Promise<boolean>;
}

export interface StartOperatorOptions {
  /** Log here instead of the console logger built from the config (tests capture lines this way). */
  log?: Logger;
  /** Aborted (SIGTERM) while starting: the start ends early and the operator stops gracefully. */
  signal?: AbortSignal;
}

/** Starts the operator with `config` against `kubeConfig`; used by main and by tests. */
export async function startOperator(
  config: OperatorConfig,
  kubeConfig: KubeAccess,
  options: StartOperatorOptions = {},
): Promise<RunningOperator> {
  const log = options.log ?? createLogger(config.logLevel, config.logFormat);
  const operator = new Operator({
    kubeConfig,
    log,
    identity: config.identity,
    leaderElection: {
      enabled: config.leaderElection,
      namespace: config.leaseNamespace,
      name: config.leaseName,
    },
    probes: { host: config.probeHost, port: config.probePort },
    shutdownDeadlineMs: config.shutdownDeadlineMs,
    extraResources: [...dittoServerExtraResources],
  });
  const pollers = new PollerRegistry({
    logger: log.child({ component: "qbittorrent" }),
    loginLedger: new ConfigMapLoginLedger(
      operator.api,
      config.leaseNamespace,
      loginLedgerName(config.leaseName),
    ),
    // Every Torrent reconcile at once waiting on one write batch: it is sent then, not at the window's end.
    poller: { intervalMs: config.torrentPollIntervalMs, writeFlushAt: config.torrentConcurrency },
    urlAliases: config.serviceUrlAliases,
    observer: new QbittorrentRequestMetrics(operator.metrics.registry),
  });
  const stopControllers = registerControllers(operator, config, pollers);
  log.info("starting mediaplane", { config: describeConfig(config) });
  let stopped: Promise<boolean> | undefined;
  const stop = (): Promise<boolean> =>
    (stopped ??= operator.stop().then(async (clean) => {
      await stopControllers();
      return clean;
    }));
  options.signal?.addEventListener("abort", () => void stop(), { once: true });
  if (!options.signal?.aborted) await operator.start();
  return { operator, stop };
}

/** The in-cluster or KUBECONFIG / ~/.kube/config credentials; a missing file is named, not an ENOENT. */
function loadKubeConfig(): KubeAccess | ConfigError {
  for (const path of (process.env.KUBECONFIG ?? "").split(delimiter).filter(Boolean)) {
    if (!existsSync(path)) {
      return new ConfigError(
        `KUBECONFIG names ${path}, which does not exist: point KUBECONFIG at a kubeconfig file, or unset ` +
          "it to use ~/.kube/config or, in a pod, the service account",
      );
    }
  }
  let kubeConfig: KubeAccess | undefined;
  try {
    kubeConfig = loadKubeAccess();
  } catch (error) {
    if (error instanceof KubeAccessError) return new ConfigError(error.message);
    throw error;
  }
  if (kubeConfig === undefined) {
    return new ConfigError(
      "no cluster to connect to: not in a pod, and neither KUBECONFIG nor ~/.kube/config names a current context",
    );
  }
  return kubeConfig;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help")) {
    process.stdout.write(usage);
    return 0;
  }
  let config: OperatorConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`invalid configuration: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (argv.includes("--check-config")) {
    process.stdout.write(`${JSON.stringify(describeConfig(config), null, 2)}\n`);
    return 0;
  }
  // Installed first: Node as PID 1 has no default handlers, and a stop may come during the initial sync.
  const shutdown = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => shutdown.abort());
  const kubeConfig = loadKubeConfig();
  if (kubeConfig instanceof ConfigError) {
    process.stderr.write(`invalid configuration: ${kubeConfig.message}\n`);
    return 2;
  }
  const running = await startOperator(config, kubeConfig, { signal: shutdown.signal });
  if (!shutdown.signal.aborted) await once(shutdown.signal, "abort");
  return (await running.stop()) ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `mediaplane failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
