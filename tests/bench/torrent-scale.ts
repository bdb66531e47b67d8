// Benchmark: N Torrents on one real qbittorrent-nox through the operator — time to Ready,
// reconciles and status writes per Torrent, writes in a quiet minute, qBittorrent requests.
import { CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import { loadConfig } from "../../operator/config/operator-config.js";
import { startOperator } from "../../operator/main.js";
import type { QbittorrentInstance } from "../cluster/qbittorrent.js";
import { counterTotal, measureRss, type BenchResult } from "./bench-metrics.js";

const torrentApi = { group: "torrent.qbittorrent.io", version: "v1alpha1", plural: "torrents" };

export async function benchTorrents(
  kubeConfig: KubeConfig,
  qbittorrent: QbittorrentInstance,
  namespace: string,
  count: number,
  quietSeconds: number,
): Promise<BenchResult> {
  const running = await startOperator(
    loadConfig({
      MEDIAPLANE_LEADER_ELECTION: "false",
      MEDIAPLANE_PROBE_HOST: "127.0.0.1",
      MEDIAPLANE_PROBE_PORT: "0",
      MEDIAPLANE_LOG_LEVEL: "error",
      MEDIAPLANE_TORRENT_POLL_SECONDS: "2",
      QBITTORRENT_URL: qbittorrent.url,
      QBITTORRENT_USERNAME: qbittorrent.username,
      QBITTORRENT_PASSWORD: qbittorrent.password,
    }),
    kubeConfig,
  );
  const registry: Registry = running.operator.metrics.registry;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const rssBefore = measureRss();
  const started = Date.now();
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) => {
        const hash = (0x100000 + i + j).toString(16).padStart(40, "0");
        return custom.createNamespacedCustomObject({
          ...torrentApi,
          namespace,
          body: {
            apiVersion: "torrent.qbittorrent.io/v1alpha1",
            kind: "Torrent",
            metadata: { name: `bench-${i + j}` },
            spec: { magnet_uri: `magnet:?xt=urn:btih:${hash}&dn=bench-${i + j}` },
          },
        });
      }),
    );
  }
  const createdMs = Date.now() - started;
  for (;;) {
    const list = (await custom.listNamespacedCustomObject({ ...torrentApi, namespace })) as {
      items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
    };
    const ready = list.items.filter((t) =>
      t.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    if (ready.length === count) break;
    if (Date.now() - started > 600_000)
      throw new Error(`only ${ready.length}/${count} Ready after 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const readyMs = Date.now() - started;
  const reconciles = await counterTotal(registry, "mediaplane_reconcile_total", { controller: "torrent" });
  const writes = await counterTotal(registry, "mediaplane_status_writes_total", { controller: "torrent" });
  await new Promise((resolve) => setTimeout(resolve, quietSeconds * 1000));
  const quietWrites =
    (await counterTotal(registry, "mediaplane_status_writes_total", { controller: "torrent" })) - writes;
  const rssAfter = measureRss();
  await running.stop();
  return {
    name: `torrents (${count} on one qbittorrent-nox)`,
    numbers: {
      "create all CRs (s)": createdMs / 1000,
      "all Ready (s)": readyMs / 1000,
      "Ready per second": count / (readyMs / 1000),
      "reconciles per Torrent": reconciles / count,
      "status writes per Torrent": writes / count,
      [`status writes in ${quietSeconds} quiet s`]: quietWrites,
      "operator RSS growth (MiB)": rssAfter - rssBefore,
    },
  };
}
