// `npm run demo`: the whole platform on this machine — a real local control plane, a real
// qbittorrent-nox, the operator in-process, the samples applied — until Ctrl-C stops it all.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { loadConfig } from "../operator/config/operator-config.js";
import { startOperator } from "../operator/main.js";
import { hashQbittorrentPassword } from "../operator/clients/qbittorrent/password-hash.js";
import { startControlPlane } from "./cluster/control-plane.js";
import { startDemoProvisioner } from "./cluster/demo-provisioner.js";
import { stopOnProcessExit } from "./cluster/exit-cleanup.js";
import { startQbittorrent } from "./cluster/qbittorrent.js";
import { startDfsFleet } from "./integration/dittoserver/dfs-fleet.js";
import { builtDfsBinary } from "./integration/dittoserver/real-dfs-support.js";

const repoRoot = join(import.meta.dirname, "..");
const namespace = "media";
const once = process.argv.includes("--once");
const say = (line: string): void => void process.stdout.write(`${line}\n`);

function ensureQbittorrentNox(): void {
  try {
    execFileSync("qbittorrent-nox", ["--version"], { stdio: "ignore" });
  } catch {
    if (process.getuid?.() !== 0) {
      throw new Error(
        "qbittorrent-nox is missing: sudo apt-get install qbittorrent-nox, then run the demo again",
      );
    }
    say("installing qbittorrent-nox (apt-get)…");
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "qbittorrent-nox"], { stdio: "inherit" });
  }
}

ensureQbittorrentNox();
say("starting the local control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok)…");
const cluster = await startControlPlane();
say(`  up in ${(cluster.startupMs / 1000).toFixed(1)} s`);
const qbittorrent = await startQbittorrent();
say(`qbittorrent-nox ${qbittorrent.version} at ${qbittorrent.url} (user ${qbittorrent.username})`);

const kubeConfig = cluster.kubeConfig();
// The platform's MediaStack "home" runs its qBittorrent in the cluster, where kwok runs no real
// process: the demo's qbittorrent-nox stands in for it, with the stack's credentials Secret made
// from its user, and the operator (outside the cluster) reaches the stack's Service URL through an alias.
const stackQbittorrentUrl = `http://home-qbittorrent.${namespace}.svc.cluster.local:8080`;
// The DittoServer's pod is a real dfs the fleet runs (kwok runs none); the operator configures it.
const dfs = builtDfsBinary();
if (dfs === undefined) throw new Error("dfs is not built: run npm run cluster:build");
const fleet = await startDfsFleet(kubeConfig, dfs);
stopOnProcessExit({ killNow: () => undefined, stop: () => fleet.stop() });
const operator = await startOperator(
  loadConfig({
    MEDIAPLANE_LEADER_ELECTION: "true",
    MEDIAPLANE_LEASE_NAMESPACE: "default",
    MEDIAPLANE_PROBE_HOST: "127.0.0.1",
    MEDIAPLANE_PROBE_PORT: "0",
    MEDIAPLANE_LOG_FORMAT: "console",
    MEDIAPLANE_LOG_LEVEL: process.env.MEDIAPLANE_LOG_LEVEL ?? "warn",
    MEDIAPLANE_TORRENT_POLL_SECONDS: "2",
    MEDIAPLANE_SERVICE_URL_ALIASES: `${fleet.aliasFor(namespace, "storage").join("=")},${stackQbittorrentUrl}=${qbittorrent.url}`,
    QBITTORRENT_URL: qbittorrent.url,
    QBITTORRENT_USERNAME: qbittorrent.username,
    QBITTORRENT_PASSWORD: qbittorrent.password,
  }),
  kubeConfig,
);
stopOnProcessExit({ killNow: () => undefined, stop: async () => void (await operator.stop()) });
say(`operator running (probes and metrics on 127.0.0.1:${operator.operator.probePort ?? "?"})`);

const core = kubeConfig.makeApiClient(CoreV1Api);
await core.createNamespace({ body: { metadata: { name: namespace } } });
await core.createNamespacedSecret({
  namespace,
  body: {
    metadata: { name: "qbittorrent" },
    stringData: { url: qbittorrent.url, username: qbittorrent.username, password: qbittorrent.password },
  },
});
await core.createNamespacedSecret({
  namespace,
  body: {
    metadata: { name: "home-qbittorrent-credentials" },
    type: "kubernetes.io/basic-auth",
    stringData: {
      username: qbittorrent.username,
      password: qbittorrent.password,
      password_pbkdf2: hashQbittorrentPassword(qbittorrent.password),
    },
  },
});
const stopProvisioner = startDemoProvisioner(kubeConfig, namespace, join(cluster.tempDir, "volumes"));
stopOnProcessExit({ killNow: stopProvisioner, stop: () => Promise.resolve(stopProvisioner()) });

const kubectl = (...args: string[]): string =>
  execFileSync(cluster.binaries.kubectl, [`--kubeconfig=${cluster.kubeconfigPath}`, ...args], {
    encoding: "utf8",
  });
for (const sample of ["samples/platform", "samples/torrent"]) {
  say(kubectl("apply", "-n", namespace, "-f", join(repoRoot, sample)).trimEnd());
}

await new Promise((resolve) => setTimeout(resolve, 25_000));
say("");
say(kubectl("get", "mediaplane", "-n", namespace, "-o", "wide"));
say(
  [
    "Try:",
    `  alias kubectl='${cluster.binaries.kubectl} --kubeconfig=${cluster.kubeconfigPath}'`,
    `  kubectl describe torrent -n ${namespace} big-buck-bunny     # uses the MediaStack's qBittorrent`,
    `  kubectl describe mediastack -n ${namespace} home           # storage from the DittoServer`,
    `  kubectl get mediaplane -n ${namespace} -w`,
    "Ctrl-C stops the operator, qbittorrent-nox and the cluster, and removes their files.",
  ].join("\n"),
);
if (once) process.kill(process.pid, "SIGINT");
else setInterval(() => undefined, 1 << 30);
