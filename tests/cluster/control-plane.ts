// Starts a real local Kubernetes control plane for tests and benchmarks: etcd, kube-apiserver (RBAC on),
// kube-controller-manager, kube-scheduler and kwok on loopback ports in one temp dir, with CRDs installed.
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { clusterBinDir, requireClusterBinaries, requireRealNodeBinaries } from "./binaries.js";
import type { ClusterBinaries } from "./binaries.js";
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  kwokEnv,
  schedulerArgs,
} from "./component-flags.js";
import type { ControlPlaneLayout } from "./component-flags.js";
import { ComponentSet } from "./component-set.js";
import type { ComponentName } from "./component-set.js";

export type { ComponentName } from "./component-set.js";
import { applyManifests, crdNames, readManifestDir, waitForCrdsEstablished } from "./crd-install.js";
import type { ManifestObject } from "./crd-install.js";
import { writeClusterCredentials } from "./credentials.js";
import { stopOnProcessExit } from "./exit-cleanup.js";
import { createFakeNodes, defaultFakeNodeCapacity, nodesNotReady } from "./fake-nodes.js";
import type { FakeNodeCapacity } from "./fake-nodes.js";
import { gatewayApiStandardCrdDir } from "./gateway-api-crds.js";
import { answersOk } from "./health-probe.js";
import { writeTokenKubeconfig } from "./kubeconfig-file.js";
import { freeLoopbackPorts } from "./loopback-ports.js";
import { waitFor } from "./polling.js";
import { mintServiceAccountKubeconfig } from "./service-account-kubeconfig.js";
import type { ServiceAccountKubeconfig } from "./service-account-kubeconfig.js";
import { clusterVersions } from "./versions.js";
import type { ClusterVersions } from "./versions.js";
import { pauseImage } from "./images/node-images.js";
import { startRealNode } from "./node/real-node.js";
import type { RealNode } from "./node/real-node.js";
import { checkRealNodeHost, hostIpv4, RealNodeUnavailableError } from "./node/prerequisites.js";

export interface ControlPlaneOptions {
  /** Fake kwok nodes to register (default 3). */
  readonly nodeCount?: number;
  readonly nodeCapacity?: FakeNodeCapacity;
  /** Where the binaries are (default $MEDIAPLANE_BIN_DIR or ~/.cache/mediaplane/bin). */
  readonly binDir?: string;
  /** Directories of manifests to apply (default: the Gateway API standard CRDs and the repo's crds/). */
  readonly manifestDirs?: readonly string[];
  /** Limit for each readiness wait (default 60s). */
  readonly readyTimeoutMs?: number;
  /** Print timings to stderr (default: MEDIAPLANE_CLUSTER_VERBOSE=1). */
  readonly verbose?: boolean;
  /**
   * Also start one real node (containerd, kubelet, kube-proxy, CoreDNS on this host; needs root and
   * `build.sh --real-node`), next to `nodeCount` kwok nodes. Off by default.
   */
  readonly realNode?: boolean;
  /** Limit for the real node's start, Ready included (default 180s). */
  readonly realNodeTimeoutMs?: number;
  /** Give the real node its CNI bridge (default true; false only to test a node that never gets Ready). */
  readonly realNodePodNetwork?: boolean;
}

export interface ControlPlane {
  /** Admin kubeconfig (user `mediaplane-admin` in `system:masters`). */
  readonly kubeconfigPath: string;
  /** The apiserver URL, `https://127.0.0.1:<port>`. */
  readonly server: string;
  readonly tempDir: string;
  readonly binDir: string;
  readonly binaries: ClusterBinaries;
  readonly versions: ClusterVersions;
  readonly nodeNames: readonly string[];
  /** Wall time startControlPlane took, in milliseconds. */
  readonly startupMs: number;
  /** The real node, when started with `realNode: true`. */
  readonly realNode: RealNode | undefined;
  /** A fresh client-node KubeConfig loaded from the admin kubeconfig. */
  kubeConfig(): KubeConfig;
  /** A kubeconfig authenticating as ServiceAccount `namespace/name` (which must exist), via TokenRequest. */
  kubeconfigForServiceAccount(
    namespace: string,
    name: string,
    options?: { expirationSeconds?: number },
  ): Promise<ServiceAccountKubeconfig>;
  /** The file a component's stdout and stderr go to. */
  logFile(component: ComponentName): string;
  /** etcd's client URL, `http://127.0.0.1:<port>` (its v3 gRPC gateway answers JSON there). */
  readonly etcdUrl: string;
  /**
   * Stops kube-apiserver and starts it again on the same port with the same flags, resolving once
   * /readyz answers; for tests of watch recovery. Callers must not overlap it with other API use they need.
   */
  restartApiserver(): Promise<void>;
  /** Stops every component (SIGTERM, then SIGKILL) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** A startup failure, with the tail of the log of the component that most likely caused it. */
export class ControlPlaneStartError extends Error {
  constructor(
    message: string,
    readonly component: ComponentName | undefined,
  ) {
    super(message);
    this.name = "ControlPlaneStartError";
  }
}

const repoCrdDir = fileURLToPath(new URL("../../crds/", import.meta.url));

/** Tags a readiness step with the component to blame if it fails. */
class StepFailure extends Error {
  constructor(
    readonly component: ComponentName,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

function blame<T>(component: ComponentName, step: Promise<T>): Promise<T> {
  return step.catch((error: unknown) => {
    throw new StepFailure(component, error);
  });
}

function startError(error: unknown, components: ComponentSet): ControlPlaneStartError {
  const blamed = components.firstExitedName() ?? (error instanceof StepFailure ? error.component : undefined);
  const message = error instanceof Error ? error.message : String(error);
  const failed = blamed === undefined ? undefined : components.get(blamed);
  const details =
    failed === undefined ? "" : `\n--- last lines of ${failed.logFile} ---\n${failed.logTail(40)}\n---`;
  return new ControlPlaneStartError(`test control plane failed to start: ${message}${details}`, blamed);
}

/** Every object in `dirs`, by default the Gateway API standard CRDs and the repo's crds/. */
async function readManifests(dirs: readonly string[] | undefined): Promise<ManifestObject[]> {
  const chosen = dirs ?? [await gatewayApiStandardCrdDir(), repoCrdDir];
  return (await Promise.all(chosen.map(readManifestDir))).flat();
}

function loadKubeConfig(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

/** Starts the control plane and resolves once nodes are Ready, controllers run and CRDs are Established. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const started = performance.now();
  const verbose = options.verbose ?? process.env["MEDIAPLANE_CLUSTER_VERBOSE"] === "1";
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const binDir = options.binDir ?? clusterBinDir();
  const binaries = requireClusterBinaries(binDir);
  const realNodeBinaries = options.realNode === true ? requireRealNodeBinaries(binDir) : undefined;
  if (options.realNode === true) checkRealNodeHost();
  const realNodeHostIp = options.realNode === true ? hostIpv4() : undefined;
  const tempDir = await mkdtemp(join(tmpdir(), "mediaplane-cluster-"));
  const components = new ComponentSet(tempDir);
  const timings: string[] = [];
  const mark = (what: string): void => {
    timings.push(`${what} ${Math.round(performance.now() - started)}ms`);
  };
  let stopped: Promise<void> | undefined;
  let realNode: RealNode | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await realNode?.stop();
      await components.stopAll();
      await rm(tempDir, { recursive: true, force: true, maxRetries: 3 });
      unregister();
    })();
    return stopped;
  };
  const unregister = stopOnProcessExit({
    stop,
    killNow: () => {
      realNode?.killNow();
      components.killAllNow();
      rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
    },
  });

  try {
    // Reading ~700 KB of CRD YAML and minting keys overlap with etcd's start; handled when awaited.
    const manifestsRead = readManifests(options.manifestDirs);
    const credentialsWritten = writeClusterCredentials(tempDir, {
      extraServingIps: realNodeHostIp === undefined ? [] : [realNodeHostIp],
    });
    // The sandbox image is built (once, cached) while the control plane starts.
    const sandboxImage = realNodeBinaries === undefined ? undefined : pauseImage(realNodeBinaries.pause);
    sandboxImage?.catch(() => undefined);
    manifestsRead.catch(() => undefined);
    credentialsWritten.catch(() => undefined);
    const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok] = (await freeLoopbackPorts(
      6,
    )) as [number, number, number, number, number, number];
    const ports = { etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok };
    const abortIf = (): string | undefined => components.firstExited();
    const wait = (what: string, probe: () => Promise<boolean>): Promise<boolean> =>
      waitFor(probe, { what, timeoutMs, abortIf });

    components.launch("etcd", binaries.etcd, etcdArgs({ dir: tempDir, ports }));
    const [credentials] = await Promise.all([
      credentialsWritten,
      blame(
        "etcd",
        wait("etcd /health", () => answersOk(`http://127.0.0.1:${etcdClient}/health`)),
      ),
      mkdir(join(tempDir, "kwok")),
    ]);
    mark("etcd");
    const server = `https://127.0.0.1:${apiserver}`;
    const kubeconfigPath = join(tempDir, "kubeconfig.yaml");
    await writeTokenKubeconfig(kubeconfigPath, {
      server,
      caCertPem: credentials.caCertPem,
      userName: "mediaplane-admin",
      token: credentials.adminToken,
    });
    const layout: ControlPlaneLayout = { dir: tempDir, ports, credentials, kubeconfigPath, realNodeHostIp };

    components.launch("kube-apiserver", binaries.kubeApiserver, apiserverArgs(layout));
    const apiserverAuth = { ca: credentials.caCertPem, bearerToken: credentials.adminToken };
    await blame(
      "kube-apiserver",
      wait("kube-apiserver /readyz", () => answersOk(`${server}/readyz`, apiserverAuth)),
    );
    mark("kube-apiserver");

    components.launch(
      "kube-controller-manager",
      binaries.kubeControllerManager,
      controllerManagerArgs(layout),
    );
    components.launch("kube-scheduler", binaries.kubeScheduler, schedulerArgs(layout));
    components.launch("kwok", binaries.kwok, kwokArgs(layout), kwokEnv(layout));
    const admin = loadKubeConfig(kubeconfigPath);
    const core = admin.makeApiClient(CoreV1Api);
    const [nodeNames] = await Promise.all([
      blame(
        "kube-apiserver",
        createFakeNodes(admin, options.nodeCount ?? 3, options.nodeCapacity ?? defaultFakeNodeCapacity),
      ),
      // Not blamed on a component: a rejected manifest is the manifest's fault, said in the error.
      manifestsRead.then((manifests) => applyManifests(admin, manifests)),
    ]);
    const manifests = await manifestsRead;
    mark("nodes and CRDs created");

    await Promise.all([
      blame(
        "kube-apiserver",
        waitForCrdsEstablished(admin, crdNames(manifests), timeoutMs).then(() => mark("CRDs Established")),
      ),
      blame(
        "kwok",
        wait("fake nodes to be Ready", async () => (await nodesNotReady(admin, nodeNames)).length === 0).then(
          () => mark("nodes Ready"),
        ),
      ),
      blame(
        "kube-controller-manager",
        wait("kube-controller-manager /healthz and the default ServiceAccount", async () => {
          if (!(await answersOk(`https://127.0.0.1:${controllerManager}/healthz`))) return false;
          await core.readNamespacedServiceAccount({ namespace: "default", name: "default" });
          return true;
        }).then(() => mark("controller-manager")),
      ),
      blame(
        "kube-scheduler",
        wait("kube-scheduler /readyz", () => answersOk(`https://127.0.0.1:${scheduler}/readyz`)).then(() =>
          mark("scheduler"),
        ),
      ),
      blame(
        "kwok",
        wait("kwok /healthz", () => answersOk(`http://127.0.0.1:${kwok}/healthz`)),
      ),
    ]);

    if (realNodeBinaries !== undefined && sandboxImage !== undefined && realNodeHostIp !== undefined) {
      const pause = await sandboxImage;
      const [kubelet, kubeletHealthz, proxyHealthz, proxyMetrics, dns, dnsReady] = (await freeLoopbackPorts(
        6,
      )) as [number, number, number, number, number, number];
      realNode = await startRealNode({
        layout: {
          dir: tempDir,
          hostIp: realNodeHostIp,
          kubeconfigPath,
          caCertFile: credentials.caCertFile,
          sandboxImage: pause.reference,
          ports: { kubelet, kubeletHealthz, proxyHealthz, proxyMetrics, dns, dnsReady },
        },
        binaries: realNodeBinaries,
        components,
        admin,
        images: [pause.archive],
        timeoutMs: options.realNodeTimeoutMs ?? 180_000,
        podNetwork: options.realNodePodNetwork ?? true,
      });
      mark("real node Ready");
    }

    const startupMs = Math.round(performance.now() - started);
    if (verbose) {
      process.stderr.write(
        `test control plane ready in ${startupMs}ms at ${server} (${tempDir}): ${timings.join(", ")}\n`,
      );
    }
    return {
      kubeconfigPath,
      server,
      tempDir,
      binDir,
      binaries,
      versions: clusterVersions(),
      nodeNames,
      startupMs,
      realNode,
      kubeConfig: () => loadKubeConfig(kubeconfigPath),
      kubeconfigForServiceAccount: (namespace, name, saOptions) =>
        mintServiceAccountKubeconfig(loadKubeConfig(kubeconfigPath), namespace, name, {
          dir: tempDir,
          expirationSeconds: saOptions?.expirationSeconds,
        }),
      logFile: (component) => components.logFile(component),
      etcdUrl: `http://127.0.0.1:${etcdClient}`,
      restartApiserver: async () => {
        await components.get("kube-apiserver")?.stop();
        components.launch("kube-apiserver", binaries.kubeApiserver, apiserverArgs(layout));
        await wait("kube-apiserver /readyz after a restart", () =>
          answersOk(`${server}/readyz`, apiserverAuth),
        );
      },
      stop,
    };
  } catch (error) {
    // The real node's failures are one line already, naming the cause and its log; by now the node
    // has stopped its own containerd, which must not be blamed with containerd's log tail.
    const failure = error instanceof RealNodeUnavailableError ? error : startError(error, components);
    await stop();
    throw failure;
  }
}
