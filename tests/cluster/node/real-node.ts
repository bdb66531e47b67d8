// Starts the opt-in real node next to the control plane: containerd (root, state and socket in the run's
// directory), kubelet, kube-proxy and CoreDNS on the host, pods on a CNI bridge; stops it and restores the host.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CoreV1Api, DiscoveryV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Node } from "@kubernetes/client-node";
import type { RealNodeBinaries } from "../binaries.js";
import type { ComponentName, ComponentSet } from "../component-set.js";
import { answersOk } from "../health-probe.js";
import { waitFor } from "../polling.js";
import { leftovers, restoreHost, snapshotHost } from "./host-state.js";
import type { HostSnapshot, RestoreScope } from "./host-state.js";
import { takeRealNodeLock } from "./machine-lock.js";
import {
  clusterDnsIp,
  cniConfDir,
  cniConflist,
  containerdConfig,
  containerdPaths,
  corednsArgs,
  corefile,
  kubeProxyArgs,
  kubeProxyConfig,
  kubeletArgs,
  kubeletConfig,
  nodeDir,
  realNodeName,
} from "./node-configs.js";
import type { RealNodeLayout } from "./node-configs.js";
import { checkRealNodeHost, RealNodeUnavailableError } from "./prerequisites.js";
import type { HostTools } from "./prerequisites.js";

const execFileAsync = promisify(execFile);

export interface RealNode {
  readonly name: string;
  readonly hostIp: string;
  /** containerd's socket, for `ctr --address`. */
  readonly containerdAddress: string;
  /** What the node left on the host, judged in stop() before the machine lock is released (empty when it put everything back). */
  leftovers(): string[];
  stop(): Promise<void>;
  killNow(): void;
}

export interface RealNodeStart {
  readonly layout: RealNodeLayout;
  readonly binaries: RealNodeBinaries;
  readonly components: ComponentSet;
  readonly admin: KubeConfig;
  /** Image archives imported before kubelet starts; the first holds layout.sandboxImage. */
  readonly images: readonly string[];
  readonly timeoutMs: number;
  /**
   * Write the CNI bridge config (default true). Without it the runtime reports NetworkReady=false and
   * the node never becomes Ready: how the tests prove that failure is one line, not a hang.
   */
  readonly podNetwork?: boolean;
}

/**
 * The line that says why a component died: the CLI's own exit line ("containerd: failed to ..."),
 * else its last fatal, else error, else last line (300 chars). Goroutines still logging while the
 * CLI exits can put info lines after the exit line, so the last line alone is not enough.
 */
function lastLogLine(components: ComponentSet, name: ComponentName): string {
  const lines = (components.get(name)?.logTail(40) ?? "").split("\n").filter((line) => line !== "");
  const pick = (pattern: RegExp): string | undefined => lines.filter((line) => pattern.test(line)).at(-1);
  const line =
    pick(new RegExp(`^${name}: `)) ??
    pick(/level=fatal|^F\d{4} |\[FATAL\]/) ??
    pick(/level=error|^E\d{4} |\[ERROR\]/) ??
    lines.at(-1) ??
    "";
  return line.slice(0, 300);
}

async function ctr(tools: HostTools, address: string, args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync(tools.ctr, ["--address", address, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

function readyCondition(node: V1Node | undefined): string {
  const ready = node?.status?.conditions?.find((condition) => condition.type === "Ready");
  return ready === undefined ? "not registered" : `${ready.status}: ${ready.message ?? ready.reason ?? ""}`;
}

/** kube-dns without a selector: its one endpoint is CoreDNS on the host. */
async function publishClusterDns(admin: KubeConfig, layout: RealNodeLayout): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  const discovery = admin.makeApiClient(DiscoveryV1Api);
  await core.createNamespacedService({
    namespace: "kube-system",
    body: {
      metadata: { name: "kube-dns", labels: { "k8s-app": "kube-dns" } },
      spec: {
        clusterIP: clusterDnsIp,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: layout.ports.dns },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: layout.ports.dns },
        ],
      },
    },
  });
  await discovery.createNamespacedEndpointSlice({
    namespace: "kube-system",
    body: {
      metadata: {
        name: "kube-dns-host",
        labels: {
          "kubernetes.io/service-name": "kube-dns",
          "endpointslice.kubernetes.io/managed-by": "mediaplane-test-harness",
        },
      },
      addressType: "IPv4",
      endpoints: [{ addresses: [layout.hostIp], conditions: { ready: true } }],
      ports: [
        { name: "dns", port: layout.ports.dns, protocol: "UDP" },
        { name: "dns-tcp", port: layout.ports.dns, protocol: "TCP" },
      ],
    },
  });
}

async function writeConfigs(layout: RealNodeLayout, podNetwork: boolean): Promise<void> {
  const dir = nodeDir(layout);
  await mkdir(cniConfDir(layout), { recursive: true });
  await mkdir(join(containerdPaths(layout).root), { recursive: true });
  await Promise.all([
    writeFile(containerdPaths(layout).config, containerdConfig(layout)),
    podNetwork
      ? writeFile(join(cniConfDir(layout), "10-mediaplane.conflist"), cniConflist(layout))
      : undefined,
    writeFile(join(dir, "kubelet.yaml"), kubeletConfig(layout)),
    writeFile(join(dir, "kube-proxy.yaml"), kubeProxyConfig(layout)),
    writeFile(join(dir, "Corefile"), corefile(layout)),
  ]);
}

/**
 * Starts the node and resolves once it is Ready and CoreDNS has synced. Every failure is one line
 * (RealNodeUnavailableError) naming the cause; the host is restored before it is thrown.
 */
export async function startRealNode(start: RealNodeStart): Promise<RealNode> {
  const { layout, binaries, components, admin, timeoutMs } = start;
  const tools = checkRealNodeHost();
  const release = await takeRealNodeLock(timeoutMs);
  const address = containerdPaths(layout).address;
  const scope: RestoreScope = { runDir: layout.dir, containerdAddress: address };
  let before: HostSnapshot;
  try {
    before = snapshotHost();
  } catch (error) {
    release();
    throw error;
  }
  const abortIf = (): string | undefined => {
    for (const name of ["containerd", "kubelet", "kube-proxy", "coredns"] as const) {
      const gone = components.get(name)?.exited;
      if (gone !== undefined) return `${name} ${gone}: ${lastLogLine(components, name)}`;
    }
    return undefined;
  };
  const wait = <T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> =>
    waitFor(probe, { what, timeoutMs, abortIf, intervalMs: 250 });

  let stopped: Promise<void> | undefined;
  let leftAtStop: string[] | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const hostProcesses = ["kubelet", "kube-proxy", "coredns"] as const;
      await Promise.all(hostProcesses.map(async (name) => components.get(name)?.stop()));
      // Pods first (their processes and shims), so containerd's own stop does not wait on them.
      restoreHost(before, scope);
      await components.get("containerd")?.stop();
      restoreHost(before, scope);
      // Judged before the lock goes: the next real node on this machine changes the same host state.
      leftAtStop = leftovers(before, scope);
      release();
    })();
    return stopped;
  };
  const killNow = (): void => {
    for (const name of ["kubelet", "kube-proxy", "coredns", "containerd"] as const)
      components.get(name)?.killNow();
    restoreHost(before, scope);
    release();
  };

  try {
    await writeConfigs(layout, start.podNetwork ?? true);
    components.launch("containerd", tools.containerd, ["--config", containerdPaths(layout).config]);
    await wait("containerd to answer on its socket", async () => {
      await ctr(tools, address, ["version"]);
      return true;
    }).catch((error: unknown) => {
      throw new RealNodeUnavailableError(
        `containerd did not start (${error instanceof Error ? error.message : String(error)}); see ${components.logFile("containerd")}`,
      );
    });
    for (const archive of start.images) {
      await ctr(tools, address, ["-n", "k8s.io", "images", "import", archive]).catch((error: unknown) => {
        throw new RealNodeUnavailableError(
          `ctr could not import ${archive}: ${String(error).split("\n")[0]}`,
        );
      });
    }
    await publishClusterDns(admin, layout);
    components.launch("kubelet", binaries.kubelet, kubeletArgs(layout));
    components.launch("kube-proxy", binaries.kubeProxy, kubeProxyArgs(layout));
    components.launch("coredns", binaries.coredns, corednsArgs(layout));
    const core = admin.makeApiClient(CoreV1Api);
    let lastNode: V1Node | undefined;
    await wait(`node ${realNodeName} to be Ready`, async () => {
      lastNode = await core.readNode({ name: realNodeName }).catch(() => undefined);
      return readyCondition(lastNode).startsWith("True");
    }).catch((error: unknown) => {
      const why = error instanceof Error ? error.message : String(error);
      throw new RealNodeUnavailableError(
        `node ${realNodeName} never became Ready (${readyCondition(lastNode)}; ${why.slice(0, 200)}); see ${components.logFile("kubelet")}`,
      );
    });
    await wait("CoreDNS to sync with the API", () =>
      answersOk(`http://127.0.0.1:${layout.ports.dnsReady}/ready`),
    ).catch((error: unknown) => {
      throw new RealNodeUnavailableError(
        `CoreDNS never became ready (${error instanceof Error ? error.message : String(error)}); see ${components.logFile("coredns")}`,
      );
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: realNodeName,
    hostIp: layout.hostIp,
    containerdAddress: address,
    leftovers: () => leftAtStop ?? leftovers(before, scope),
    stop,
    killNow,
  };
}
