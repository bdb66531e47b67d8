// `npm run demo:real-node`: the platform on the local control plane's real node — the chart's operator
// pod, the stack's qBittorrent and the DittoServer as real pods (`kubectl get pods`) — until Ctrl-C.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { CoreV1Api } from "@kubernetes/client-node";
import { KubeApi } from "../operator/framework/kube-api.js";
import { DittoServerResource } from "../operator/generated/dittoserver.js";
import { MediaStackResource } from "../operator/generated/mediastack.js";
import { TorrentResource } from "../operator/generated/torrent.js";
import { startControlPlane } from "./cluster/control-plane.js";
import { startDemoProvisioner } from "./cluster/demo-provisioner.js";
import { stopOnProcessExit } from "./cluster/exit-cleanup.js";
import {
  installOperatorChart,
  preparePlatformImages,
  realNodeDataClaim,
  realNodePlatformObjects,
} from "./cluster/real-node-platform.js";
import { waitFor } from "./cluster/polling.js";

const namespace = "media";
const once = process.argv.includes("--once");
const say = (line: string): void => void process.stdout.write(`${line}\n`);

say("starting the local control plane with a real node (containerd, kubelet, kube-proxy, CoreDNS)…");
const cluster = await startControlPlane({ realNode: true, nodeCount: 0 });
const node = cluster.realNode;
if (node === undefined) throw new Error("the control plane started without its real node");
say(`  up in ${(cluster.startupMs / 1000).toFixed(1)} s; node ${node.name} at ${node.hostIp}`);
const handle = { ...node, tempDir: cluster.tempDir };
say("building (or reusing) and importing the operator, qBittorrent and DittoFS images…");
const images = await preparePlatformImages(handle, cluster.binDir);
say("helm install mediaplane (the local operator image)…");
installOperatorChart({
  helm: cluster.binaries.helm,
  kubeconfigPath: cluster.kubeconfigPath,
  release: "mediaplane",
  namespace: "mediaplane-system",
  image: images.operator,
  replicas: 1,
});

const kubeConfig = cluster.kubeConfig();
const core = kubeConfig.makeApiClient(CoreV1Api);
await core.createNamespace({ body: { metadata: { name: namespace } } });
await waitFor(() => core.readNamespacedServiceAccount({ namespace, name: "default" }), {
  what: "the namespace's default ServiceAccount",
});
const stopProvisioner = startDemoProvisioner(kubeConfig, namespace, join(cluster.tempDir, "volumes"), {
  createDirectories: true,
});
stopOnProcessExit({ killNow: stopProvisioner, stop: () => Promise.resolve(stopProvisioner()) });
await core.createNamespacedPersistentVolumeClaim({
  namespace,
  body: {
    metadata: { name: realNodeDataClaim },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  },
});
const api = new KubeApi(kubeConfig);
for (const object of realNodePlatformObjects(namespace, images)) {
  const resource =
    object.kind === "DittoServer"
      ? DittoServerResource
      : object.kind === "MediaStack"
        ? MediaStackResource
        : TorrentResource;
  await api.create({ ...resource, namespaced: true }, object);
}

// Asynchronous: the provisioner above runs on this process's event loop while kubectl waits.
const kubectl = async (...args: string[]): Promise<string> =>
  (await promisify(execFile)(cluster.binaries.kubectl, [`--kubeconfig=${cluster.kubeconfigPath}`, ...args]))
    .stdout;
say("waiting for the platform to be Ready…");
await kubectl("wait", "--for=condition=Ready", "mediastack/home", "-n", namespace, "--timeout=300s");
await kubectl("wait", "--for=condition=Ready", "torrents", "--all", "-n", namespace, "--timeout=120s");
say(await kubectl("get", "pods", "-A", "-o", "wide"));
say(await kubectl("get", "mediaplane", "-n", namespace));
say(
  [
    "Try:",
    `  alias kubectl='${cluster.binaries.kubectl} --kubeconfig=${cluster.kubeconfigPath}'`,
    "  kubectl get pods -A -o wide                        # real pods on the real node",
    "  kubectl logs -n mediaplane-system deploy/mediaplane  # the operator, in its pod",
    `  kubectl describe torrent -n ${namespace} big-buck-bunny`,
    "Ctrl-C stops the cluster and the node, and puts the host back as it was.",
  ].join("\n"),
);
if (once) process.kill(process.pid, "SIGINT");
else setInterval(() => undefined, 1 << 30);
