// `npm run bench`: one local control plane and one qbittorrent-nox for every benchmark, each in
// its own namespaces; prints the numbers recorded in docs/benchmarks.md. Loopback traffic only.
//
// BENCH_FRAMEWORK_OBJECTS (1000), BENCH_TORRENT_SIZES ("100,1000"), BENCH_STACKS (50),
// BENCH_MIXED_TORRENTS (1000), BENCH_MIXED_STACKS (50), BENCH_STEADY_SECONDS (each benchmark's own
// default); each benchmark file documents its own knobs.
import { CoreV1Api } from "@kubernetes/client-node";
import { startControlPlane } from "../cluster/control-plane.js";
import { startQbittorrent } from "../cluster/qbittorrent.js";
import { formatResults, type BenchResult } from "./bench-metrics.js";
import { benchFramework } from "./framework.js";
import { benchMediaStack } from "./mediastack.js";
import { benchMixedMemory } from "./mixed-memory.js";
import { benchTorrent } from "./torrent.js";
import { benchWidgets } from "./widget-scale.js";

const frameworkObjects = Number(process.env.BENCH_FRAMEWORK_OBJECTS ?? 1000);
const torrentSizes = (process.env.BENCH_TORRENT_SIZES ?? "100,1000").split(",").map(Number);
const stacks = Number(process.env.BENCH_STACKS ?? 50);
const mixedTorrents = Number(process.env.BENCH_MIXED_TORRENTS ?? 1000);
const mixedStacks = Number(process.env.BENCH_MIXED_STACKS ?? 50);

const cluster = await startControlPlane();
const results: BenchResult[] = [
  { name: "local control plane", numbers: { "warm start (s)": cluster.startupMs / 1000 } },
];
const report = (result: BenchResult): void => {
  results.push(result);
  process.stdout.write(`${formatResults([result])}\n`);
};
try {
  const kubeConfig = cluster.kubeConfig();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const namespace = async (name: string): Promise<string> => {
    await core.createNamespace({ body: { metadata: { name } } });
    return name;
  };
  // Widgets first: it deletes its objects when done, so the no-op benchmark counts only its own.
  report(await benchWidgets(kubeConfig, await namespace("bench-widgets"), 200));
  report(await benchFramework(kubeConfig, await namespace("bench-framework"), frameworkObjects));
  const qbittorrent = await startQbittorrent();
  try {
    for (const n of torrentSizes)
      report(
        await benchTorrent(
          kubeConfig,
          cluster.kubeconfigPath,
          qbittorrent,
          await namespace(`bench-torrent-${n}`),
          n,
        ),
      );
    report(await benchMediaStack(kubeConfig, cluster.kubeconfigPath, stacks));
    report(
      await benchMixedMemory(kubeConfig, cluster.kubeconfigPath, qbittorrent, mixedTorrents, mixedStacks),
    );
  } finally {
    await qbittorrent.stop();
  }
} finally {
  await cluster.stop();
}
process.stdout.write(`\nsummary\n${formatResults(results)}\n`);
