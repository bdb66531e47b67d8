// Plays the kubelet for one DittoServer pod on the kwok cluster: reads the StatefulSet, ConfigMap and
// Secrets the operator applied, lays out a root filesystem like the pod's volumes and runs the real dfs in it.
import { copyFile, chmod, chown, link, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Secret } from "@kubernetes/client-node";
import { CONFIG_FILE_NAME } from "../../../operator/controllers/dittoserver/pod-layout.js";
import { dittoServerNames } from "../../../operator/controllers/dittoserver/names.js";
import { stopOnProcessExit } from "../../cluster/exit-cleanup.js";
import { probe } from "../../cluster/health-probe.js";
import { waitFor } from "../../cluster/polling.js";
import { resolveEnv, serverContainer, startDfs, type RunningDfs } from "./real-dfs-support.js";

/** The pod's non-root user (podSecurityContext 65532): dfs runs as it, its volumes are its own. */
const POD_UID = 65532;

export interface DfsPod {
  /** Where the operator reaches the REST API (what the <name>-api Service alias points at). */
  readonly apiUrl: string;
  /** The pod's root on the host: <root>/data/content is the content volume, and so on. */
  readonly root: string;
  output(): string;
  /** SIGTERM and wait; the volumes stay. */
  stop(): Promise<void>;
  /** Starts dfs again on the same volumes and waits for /health/ready. */
  start(): Promise<void>;
  /** Stops the pod for good and removes its root (its volumes with it). */
  remove(): Promise<void>;
}

interface PodSpecParts {
  args: string[];
  env: Record<string, string>;
  configYaml: string;
  mountPaths: string[];
}

async function readPodSpec(kubeConfig: KubeConfig, namespace: string, name: string): Promise<PodSpecParts> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const statefulSet = await waitFor(
    () => apps.readNamespacedStatefulSet({ namespace, name }).catch(() => undefined),
    { what: `StatefulSet ${namespace}/${name}`, timeoutMs: 60_000 },
  );
  const configMap = await core.readNamespacedConfigMap({
    namespace,
    name: dittoServerNames.configMap({ metadata: { name } }),
  });
  const container = serverContainer(statefulSet);
  const secretNames = new Set(
    (container.env ?? []).flatMap((e) =>
      e.valueFrom?.secretKeyRef?.name ? [e.valueFrom.secretKeyRef.name] : [],
    ),
  );
  const secrets: V1Secret[] = [];
  for (const secretName of secretNames) {
    const secret = await core.readNamespacedSecret({ namespace, name: secretName }).catch(() => undefined);
    if (secret) secrets.push(secret);
  }
  return {
    args: container.args ?? [],
    env: resolveEnv(container.env ?? [], secrets),
    configYaml: configMap.data?.[CONFIG_FILE_NAME] ?? "",
    mountPaths: (container.volumeMounts ?? []).map((m) => m.mountPath),
  };
}

/**
 * Runs the DittoServer `name`'s pod with dfs (statically linked) in a chroot whose paths are the pod's:
 * /config/config.yaml exactly as rendered, /data/metadata, /data/cache, /data/content, /tmp. Only the API
 * moves, by DittoFS's own env override, to 127.0.0.1:`apiPort`; the NFS adapter listens where the
 * operator puts it.
 */
export async function runDfsPod(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  options: { binary: string; apiPort: number },
): Promise<DfsPod> {
  const parts = await readPodSpec(kubeConfig, namespace, name);
  const root = await mkdtemp(join(tmpdir(), "mediaplane-dfs-pod-"));
  await chmod(root, 0o755);
  for (const path of parts.mountPaths) {
    await mkdir(join(root, path), { recursive: true });
    await chown(join(root, path), POD_UID, POD_UID);
  }
  await writeFile(join(root, "config", CONFIG_FILE_NAME), parts.configYaml);
  // A hard link when the cache and the temp dir share a file system; a copy otherwise.
  await link(options.binary, join(root, "dfs")).catch(() => copyFile(options.binary, join(root, "dfs")));
  const env = {
    ...parts.env,
    HOME: "/tmp",
    DITTOFS_CONTROLPLANE_HOST: "127.0.0.1",
    DITTOFS_CONTROLPLANE_PORT: String(options.apiPort),
  };
  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  let running: RunningDfs | undefined;
  // Output of earlier runs, so offsets taken before a restart stay valid.
  let earlier = "";
  const output = (): string => earlier + (running?.output() ?? "");
  const stop = async (): Promise<void> => {
    await running?.stop();
  };
  const start = async (): Promise<void> => {
    earlier = output();
    const program = parts.args.length > 0 ? ["/dfs", ...parts.args] : ["/dfs", "start", "--foreground"];
    const started = startDfs("/usr/sbin/chroot", [`--userspec=${POD_UID}:${POD_UID}`, root, ...program], env);
    running = started;
    await waitFor(async () => (await probe(`${apiUrl}/health/ready`)).status === 200, {
      what: `dfs of ${namespace}/${name} ready on ${apiUrl}`,
      timeoutMs: 60_000,
      intervalMs: 200,
      abortIf: () =>
        started.child.exitCode !== null
          ? `dfs exited with ${started.child.exitCode}:\n${output().slice(-2000)}`
          : undefined,
    });
  };
  const unregister = stopOnProcessExit({
    killNow: () => running?.child.kill("SIGKILL"),
    stop,
  });
  await start();
  return {
    apiUrl,
    root,
    output,
    stop,
    start,
    remove: async () => {
      await stop();
      unregister();
      await rm(root, { recursive: true, force: true });
    },
  };
}
