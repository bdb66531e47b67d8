// `npm run bench`: starts one local control plane and one qbittorrent-nox, runs each benchmark
// in its own namespace and prints the numbers (docs/benchmarks.md records them). Loopback only.
import { CoreV1Api } from "@kubernetes/client-node";
import { startControlPlane } from "../cluster/control-plane.js";
import { startQbittorrent } from "../cluster/qbittorrent.js";
import { formatResults, type BenchResult } from "./bench-metrics.js";
import { benchTorrents } from "./torrent-scale.js";
import { benchWidgets } from "./widget-scale.js";

const torrents = Number(process.env.BENCH_TORRENTS ?? 300);
const widgets = Number(process.env.BENCH_WIDGETS ?? 500);
const quietSeconds = Number(process.env.BENCH_QUIET_SECONDS ?? 30);

const cluster = await startControlPlane();
const results: BenchResult[] = [
  { name: "local control plane", numbers: { "warm start (s)": cluster.startupMs / 1000 } },
];
const kubeConfig = cluster.kubeConfig();
const core = kubeConfig.makeApiClient(CoreV1Api);
try {
  await core.createNamespace({ body: { metadata: { name: "bench-widgets" } } });
  results.push(await benchWidgets(kubeConfig, "bench-widgets", widgets));
  const qbittorrent = await startQbittorrent();
  try {
    await core.createNamespace({ body: { metadata: { name: "bench-torrents" } } });
    results.push(await benchTorrents(kubeConfig, qbittorrent, "bench-torrents", torrents, quietSeconds));
  } finally {
    await qbittorrent.stop();
  }
} finally {
  await cluster.stop();
}
process.stdout.write(`${formatResults(results)}\n`);
