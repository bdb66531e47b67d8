// Shared setup of the Torrent integration tests: a real qbittorrent-nox, the operator running
// in-process against the run's real cluster, and small readers for Torrents and qBittorrent.
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { Logger } from "winston";
import { QbittorrentClient } from "../../../operator/clients/qbittorrent/client.js";
import type { QbittorrentTorrent } from "../../../operator/clients/qbittorrent/api-types.js";
import { loadConfig, type OperatorConfig } from "../../../operator/config/operator-config.js";
import type { Torrent } from "../../../operator/generated/torrent.js";
import { startOperator, type RunningOperator } from "../../../operator/main.js";
import { startQbittorrent, type QbittorrentInstance } from "../../cluster/qbittorrent.js";
import type { QbittorrentTarget } from "../../cluster/qbittorrent-targets.js";
import { apiStatusCode, testCluster, waitFor } from "../support/cluster.js";

export const kubeConfig = testCluster();
export const core = kubeConfig.makeApiClient(CoreV1Api);
export const custom = kubeConfig.makeApiClient(CustomObjectsApi);
export const torrentApi = { group: "torrent.qbittorrent.io", version: "v1alpha1", plural: "torrents" };

export interface TorrentHarness {
  qbittorrent: QbittorrentInstance;
  client: QbittorrentClient;
  operator: RunningOperator;
  stop(): Promise<void>;
}

export interface TorrentHarnessOptions {
  /** Where the operator logs (tests capture lines); default: errors to the console. */
  log?: Logger;
  /** More operator environment, e.g. MEDIAPLANE_CONCURRENCY. */
  env?: Record<string, string>;
  /** Which qbittorrent-nox (one of testedQbittorrents()); the host's by default. */
  target?: QbittorrentTarget;
}

/** The operator's configuration for `qbittorrent` as the default client. */
export function operatorConfig(
  qbittorrent: QbittorrentInstance,
  env: Record<string, string> = {},
): OperatorConfig {
  return loadConfig({
    MEDIAPLANE_LEADER_ELECTION: "false",
    MEDIAPLANE_PROBE_PORT: "0",
    MEDIAPLANE_PROBE_HOST: "127.0.0.1",
    MEDIAPLANE_LOG_LEVEL: "error",
    MEDIAPLANE_TORRENT_POLL_SECONDS: "1",
    QBITTORRENT_URL: qbittorrent.url,
    QBITTORRENT_USERNAME: qbittorrent.username,
    QBITTORRENT_PASSWORD: qbittorrent.password,
    ...env,
  });
}

export async function startTorrentHarness(options: TorrentHarnessOptions = {}): Promise<TorrentHarness> {
  const qbittorrent = await startQbittorrent({ target: options.target });
  const operator = await startOperator(operatorConfig(qbittorrent, options.env), kubeConfig, {
    log: options.log,
  });
  const client = new QbittorrentClient({
    url: qbittorrent.url,
    username: qbittorrent.username,
    password: qbittorrent.password,
    timeoutMs: 5000,
  });
  const harness: TorrentHarness = {
    qbittorrent,
    client,
    operator,
    stop: async () => {
      await harness.operator.stop();
      await qbittorrent.stop();
    },
  };
  return harness;
}

export async function createTorrent(namespace: string, name: string, spec: Torrent["spec"]): Promise<void> {
  await custom.createNamespacedCustomObject({
    ...torrentApi,
    namespace,
    body: { apiVersion: "torrent.qbittorrent.io/v1alpha1", kind: "Torrent", metadata: { name }, spec },
  });
}

/** Writes the client Secret `name` for `qbittorrent` with `password` (a wrong one in failure tests): create, or replace. */
export async function writeClientSecret(
  namespace: string,
  name: string,
  qbittorrent: QbittorrentInstance,
  password: string,
): Promise<void> {
  const body = {
    metadata: { name },
    stringData: { url: qbittorrent.url, username: qbittorrent.username, password },
  };
  try {
    await core.createNamespacedSecret({ namespace, body });
  } catch (error) {
    if (apiStatusCode(error) !== 409) throw error;
    await core.replaceNamespacedSecret({ name, namespace, body });
  }
}

export async function getTorrent(namespace: string, name: string): Promise<Torrent> {
  return (await custom.getNamespacedCustomObject({ ...torrentApi, namespace, name })) as Torrent;
}

export async function deleteTorrent(namespace: string, name: string): Promise<void> {
  await custom.deleteNamespacedCustomObject({ ...torrentApi, namespace, name });
}

export function condition(
  torrent: Torrent,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  return torrent.status?.conditions?.find((c) => c.type === type);
}

/** Waits until the Torrent's condition `type` has `status` (and `reason`, if given). */
export async function waitForCondition(
  namespace: string,
  name: string,
  type: string,
  status: string,
  reason?: string,
): Promise<Torrent> {
  return waitFor(
    async () => {
      const torrent = await getTorrent(namespace, name);
      const found = condition(torrent, type);
      return found?.status === status && (reason === undefined || found.reason === reason)
        ? torrent
        : undefined;
    },
    {
      what: `Torrent ${namespace}/${name} ${type}=${status}${reason ? ` (${reason})` : ""}`,
      timeoutMs: 30_000,
    },
  );
}

export async function torrentInQbittorrent(
  client: QbittorrentClient,
  hash: string,
): Promise<QbittorrentTorrent | undefined> {
  return (await client.torrentsInfo([hash]))[0];
}

export async function gone(what: string, probe: () => Promise<boolean>): Promise<void> {
  await waitFor(async () => ((await probe()) ? true : undefined), { what, timeoutMs: 30_000 });
}

export async function eventReasons(namespace: string, name: string): Promise<string[]> {
  const events = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return events.items.map((event) => `${event.type}/${event.reason}`);
}

/** A distinct, well-formed v1 hash for test number `n` (never all zeros: qBittorrent drops those). */
export const testHash = (n: number): string => n.toString(16).padStart(40, "0");
export const testMagnet = (hash: string, name = "t"): string => `magnet:?xt=urn:btih:${hash}&dn=${name}`;
