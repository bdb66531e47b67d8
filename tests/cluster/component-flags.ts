// The command lines of the test cluster's components (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler, kwok), as pure functions of where things are; nothing here starts or talks to them.
import { join } from "node:path";
import type { ClusterCredentials } from "./credentials.js";

/** Ports on 127.0.0.1, one per listener. */
export interface ComponentPorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly controllerManager: number;
  readonly scheduler: number;
  readonly kwok: number;
}

/** Where every file and listener of one control plane is. */
export interface ControlPlaneLayout {
  readonly dir: string;
  readonly ports: ComponentPorts;
  readonly credentials: ClusterCredentials;
  /** Admin kubeconfig the components use to reach the apiserver. */
  readonly kubeconfigPath: string;
  /**
   * Set when a real node runs: the host's own address, where the apiserver then also listens and which
   * the `kubernetes` Service points at, so pods reach the API through 10.96.0.1 as in any cluster.
   */
  readonly realNodeHostIp?: string;
}

export const serviceClusterIpRange = "10.96.0.0/16";
/** kwok hands pod IPs out of this range; a /16 leaves room for benchmark-sized pod counts. */
export const podCidr = "10.244.0.1/16";
/** The InternalIP kwok reports for fake nodes: loopback, so nothing ever leaves the machine. */
export const fakeNodeIp = "127.0.0.1";
export const serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local";

const loopback = "127.0.0.1";

export function etcdArgs(layout: Pick<ControlPlaneLayout, "dir" | "ports">): string[] {
  const client = `http://${loopback}:${layout.ports.etcdClient}`;
  const peer = `http://${loopback}:${layout.ports.etcdPeer}`;
  return [
    "--name=default",
    `--data-dir=${join(layout.dir, "etcd")}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    // Throwaway data: skip fsync, the largest cost of a write on this machine.
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ];
}

/** Pods cannot reach loopback: with a real node the apiserver listens on every address instead. */
function apiserverListenArgs(layout: ControlPlaneLayout): string[] {
  const c = layout.credentials;
  if (layout.realNodeHostIp === undefined) {
    return [
      `--bind-address=${loopback}`,
      `--advertise-address=${loopback}`,
      // The `kubernetes` Service's endpoints would be 127.0.0.1, which endpoint validation rejects.
      "--endpoint-reconciler-type=none",
    ];
  }
  return [
    "--bind-address=0.0.0.0",
    `--advertise-address=${layout.realNodeHostIp}`,
    `--kubelet-client-certificate=${c.kubeletClientCertFile}`,
    `--kubelet-client-key=${c.kubeletClientKeyFile}`,
    "--kubelet-preferred-address-types=InternalIP",
  ];
}

export function apiserverArgs(layout: ControlPlaneLayout): string[] {
  const c = layout.credentials;
  return [
    `--etcd-servers=http://${loopback}:${layout.ports.etcdClient}`,
    `--cert-dir=${join(layout.dir, "apiserver-certs")}`,
    `--tls-cert-file=${c.servingCertFile}`,
    `--tls-private-key-file=${c.servingKeyFile}`,
    `--secure-port=${layout.ports.apiserver}`,
    ...apiserverListenArgs(layout),
    "--authorization-mode=Node,RBAC",
    `--token-auth-file=${c.tokenAuthFile}`,
    `--client-ca-file=${c.caCertFile}`,
    `--service-account-issuer=${serviceAccountIssuer}`,
    `--service-account-key-file=${c.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${c.serviceAccountPrivateKeyFile}`,
    `--service-cluster-ip-range=${serviceClusterIpRange}`,
    "--allow-privileged=true",
    // Speed: no request throttling, as kwok recommends for scale tests.
    "--max-requests-inflight=0",
    "--max-mutating-requests-inflight=0",
    "--enable-priority-and-fairness=false",
  ];
}

function componentServingArgs(layout: ControlPlaneLayout, port: number, certDirName: string): string[] {
  return [
    `--kubeconfig=${layout.kubeconfigPath}`,
    `--authentication-kubeconfig=${layout.kubeconfigPath}`,
    `--authorization-kubeconfig=${layout.kubeconfigPath}`,
    `--secure-port=${port}`,
    `--bind-address=${loopback}`,
    `--cert-dir=${join(layout.dir, certDirName)}`,
    "--leader-elect=false",
  ];
}

export function controllerManagerArgs(layout: ControlPlaneLayout): string[] {
  const c = layout.credentials;
  return [
    ...componentServingArgs(layout, layout.ports.controllerManager, "controller-manager-certs"),
    "--controllers=*",
    "--use-service-account-credentials=true",
    `--service-account-private-key-file=${c.serviceAccountPrivateKeyFile}`,
    `--root-ca-file=${c.caCertFile}`,
    `--cluster-signing-cert-file=${c.caCertFile}`,
    `--cluster-signing-key-file=${c.caKeyFile}`,
    `--service-cluster-ip-range=${serviceClusterIpRange}`,
    // The defaults (20 qps) throttle Deployment/ReplicaSet controllers in benchmarks.
    "--kube-api-qps=500",
    "--kube-api-burst=1000",
  ];
}

export function schedulerArgs(layout: ControlPlaneLayout): string[] {
  return [
    ...componentServingArgs(layout, layout.ports.scheduler, "scheduler-certs"),
    // Deprecated in favour of a config file, still honoured; the default 50 qps binds pods slowly at scale.
    "--kube-api-qps=500",
    "--kube-api-burst=1000",
  ];
}

export function kwokArgs(layout: ControlPlaneLayout): string[] {
  return [
    `--kubeconfig=${layout.kubeconfigPath}`,
    "--manage-all-nodes=false",
    "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
    `--cidr=${podCidr}`,
    `--node-ip=${fakeNodeIp}`,
    `--server-address=${loopback}:${layout.ports.kwok}`,
    "--node-lease-duration-seconds=40",
  ];
}

/** kwok reads ~/.kwok/kwok.yaml when it exists; point its work dir into the temp dir instead. */
export function kwokEnv(layout: ControlPlaneLayout): NodeJS.ProcessEnv {
  return { ...process.env, KWOK_WORKDIR: join(layout.dir, "kwok") };
}
