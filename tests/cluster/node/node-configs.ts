// The real node's config files (containerd, CNI, kubelet, kube-proxy, CoreDNS) as pure functions of
// where things are: every path under the run's directory, every listener on a port chosen for this run.
import { join } from "node:path";
import { stringify } from "yaml";

export const realNodeName = "mediaplane-node";
/** The real node's pod network; apart from kwok's fake range (component-flags.ts podCidr). */
export const realNodePodSubnet = "10.85.0.0/16";
/** The bridge the CNI plugin creates; a name of our own, so leftovers are easy to tell. */
export const realNodeBridge = "mpl0";
export const clusterDnsIp = "10.96.0.10";
export const clusterDomain = "cluster.local";
/** Debian's containernetworking-plugins install here (not /opt/cni/bin). */
export const cniBinDir = "/usr/lib/cni";

export interface RealNodeLayout {
  /** The run's directory; the node keeps everything under `<dir>/node`. */
  readonly dir: string;
  /** The host's own address: the node's InternalIP, where kubelet, CoreDNS and the apiserver listen. */
  readonly hostIp: string;
  readonly kubeconfigPath: string;
  readonly caCertFile: string;
  readonly sandboxImage: string;
  readonly ports: {
    readonly kubelet: number;
    readonly kubeletHealthz: number;
    readonly proxyHealthz: number;
    readonly proxyMetrics: number;
    readonly dns: number;
    readonly dnsReady: number;
  };
}

export function nodeDir(layout: Pick<RealNodeLayout, "dir">): string {
  return join(layout.dir, "node");
}

export function containerdPaths(layout: Pick<RealNodeLayout, "dir">): {
  root: string;
  state: string;
  address: string;
  config: string;
} {
  const base = join(nodeDir(layout), "containerd");
  return {
    root: join(base, "root"),
    state: join(base, "state"),
    address: join(base, "containerd.sock"),
    config: join(base, "config.toml"),
  };
}

export function cniConfDir(layout: Pick<RealNodeLayout, "dir">): string {
  return join(nodeDir(layout), "cni", "net.d");
}

const toml = (value: string): string => JSON.stringify(value);

/**
 * containerd 1.6 (CRI plugin, config version 2) rooted in the run's directory. `restrict_oom_score_adj`:
 * this VM lacks CAP_SYS_RESOURCE, and without it runc fails with "can't get final child's PID from pipe".
 */
export function containerdConfig(layout: RealNodeLayout): string {
  const paths = containerdPaths(layout);
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    "version = 2",
    `root = ${toml(paths.root)}`,
    `state = ${toml(paths.state)}`,
    "disabled_plugins = [",
    '  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",',
    '  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",',
    '  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing",',
    "]",
    "[grpc]",
    `  address = ${toml(paths.address)}`,
    "[ttrpc]",
    `  address = ${toml(`${paths.address}.ttrpc`)}`,
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${toml(join(paths.root, "opt"))}`,
    `[${cri}]`,
    `  sandbox_image = ${toml(layout.sandboxImage)}`,
    "  restrict_oom_score_adj = true",
    // Pod network namespaces under the state directory instead of the host's /run/netns.
    "  netns_mounts_under_state_dir = true",
    "  disable_apparmor = true",
    "  enable_selinux = false",
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    "  SystemdCgroup = false",
    `[${cri}.cni]`,
    `  bin_dir = ${toml(cniBinDir)}`,
    `  conf_dir = ${toml(cniConfDir(layout))}`,
    "",
  ].join("\n");
}

/** bridge + host-local + portmap + loopback: real pod IPs on one bridge, masqueraded to the outside. */
export function cniConflist(layout: Pick<RealNodeLayout, "dir">): string {
  return JSON.stringify(
    {
      cniVersion: "0.4.0",
      name: "mediaplane",
      plugins: [
        {
          type: "bridge",
          bridge: realNodeBridge,
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: realNodePodSubnet }]],
            routes: [{ dst: "0.0.0.0/0" }],
            dataDir: join(nodeDir(layout), "cni", "ipam"),
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

export function kubeletRootDir(layout: Pick<RealNodeLayout, "dir">): string {
  return join(nodeDir(layout), "kubelet");
}

/** KubeletConfiguration for cgroup v1 hosts (cgroupfs driver) with paths in the run's directory. */
export function kubeletConfig(layout: RealNodeLayout): string {
  const { address } = containerdPaths(layout);
  const root = kubeletRootDir(layout);
  return stringify({
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    failCgroupV1: false,
    cgroupDriver: "cgroupfs",
    containerRuntimeEndpoint: `unix://${address}`,
    address: layout.hostIp,
    port: layout.ports.kubelet,
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: layout.ports.kubeletHealthz,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: layout.caCertFile },
    },
    authorization: { mode: "Webhook" },
    clusterDomain,
    clusterDNS: [clusterDnsIp],
    podLogsDir: join(nodeDir(layout), "pod-logs"),
    volumePluginDir: join(root, "volume-plugins"),
    failSwapOn: false,
    // Imported images have no registry to come back from: never collect them.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { "memory.available": "100Mi", "nodefs.available": "1%", "imagefs.available": "1%" },
    serializeImagePulls: false,
    registerNode: true,
    rotateCertificates: false,
    serverTLSBootstrap: false,
    shutdownGracePeriod: "0s",
    syncFrequency: "10s",
    nodeStatusUpdateFrequency: "5s",
  });
}

export function kubeletArgs(layout: RealNodeLayout): string[] {
  return [
    `--config=${join(nodeDir(layout), "kubelet.yaml")}`,
    `--kubeconfig=${layout.kubeconfigPath}`,
    `--root-dir=${kubeletRootDir(layout)}`,
    `--cert-dir=${join(kubeletRootDir(layout), "pki")}`,
    `--hostname-override=${realNodeName}`,
    `--node-ip=${layout.hostIp}`,
    "--node-labels=mediaplane.io/real-node=true",
    "--v=1",
  ];
}

/** kube-proxy in iptables mode; it leaves the conntrack sysctls and route_localnet alone. */
export function kubeProxyConfig(layout: RealNodeLayout): string {
  return stringify({
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    clientConnection: { kubeconfig: layout.kubeconfigPath },
    mode: "iptables",
    hostnameOverride: realNodeName,
    clusterCIDR: realNodePodSubnet,
    healthzBindAddress: `127.0.0.1:${layout.ports.proxyHealthz}`,
    metricsBindAddress: `127.0.0.1:${layout.ports.proxyMetrics}`,
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
    iptables: { localhostNodePorts: false, masqueradeAll: true },
  });
}

export function kubeProxyArgs(layout: RealNodeLayout): string[] {
  return [`--config=${join(nodeDir(layout), "kube-proxy.yaml")}`, "--v=1"];
}

/**
 * CoreDNS on the host (like kubelet and kube-proxy), answering for cluster.local from the API; the
 * kube-dns Service's hand-made EndpointSlice points 10.96.0.10:53 at this port.
 */
export function corefile(layout: RealNodeLayout): string {
  return [
    `${clusterDomain}:${layout.ports.dns} in-addr.arpa:${layout.ports.dns} {`,
    `  bind ${layout.hostIp}`,
    "  errors",
    `  ready 127.0.0.1:${layout.ports.dnsReady}`,
    `  kubernetes ${clusterDomain} in-addr.arpa {`,
    `    kubeconfig ${layout.kubeconfigPath} mediaplane-test`,
    "    pods insecure",
    "    fallthrough in-addr.arpa",
    "  }",
    "  cache 5",
    "}",
    "",
  ].join("\n");
}

export function corednsArgs(layout: RealNodeLayout): string[] {
  return ["-conf", join(nodeDir(layout), "Corefile")];
}
