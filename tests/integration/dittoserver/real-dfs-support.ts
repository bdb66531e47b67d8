// Turns a rendered DittoServer pod into a local `dfs` run: mount paths remapped to temp dirs, the
// container env resolved from Secrets the test holds, and the pinned dfs binary run on loopback.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { V1Container, V1EnvVar, V1Secret, V1StatefulSet } from "@kubernetes/client-node";
import { isScalar, parseDocument, visit } from "yaml";
import { dfsBinaryPath } from "../../cluster/binaries.js";
import { missingNfsClient } from "../../cluster/nfs/nfs-client.js";

/** The pinned dfs binary, or undefined when tests/cluster/build.sh has not built it. */
export function builtDfsBinary(): string | undefined {
  const path = dfsBinaryPath();
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/** The DittoFS container of a rendered StatefulSet. */
export function serverContainer(statefulSet: V1StatefulSet): V1Container {
  const container = statefulSet.spec?.template.spec?.containers.find((c) => c.name === "dittofs");
  if (container === undefined) throw new Error("the rendered StatefulSet has no dittofs container");
  return container;
}

/** Mount path in the pod → a fresh directory under `root`, one per volume mount of `container`. */
export async function mountDirs(container: V1Container, root: string): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const dir = join(root, mount.name);
    await mkdir(dir, { recursive: true });
    dirs.set(mount.mountPath, dir);
  }
  return dirs;
}

/** `value` with a leading pod mount path replaced by its local directory; other strings unchanged. */
export function remapPath(value: string, dirs: ReadonlyMap<string, string>): string {
  for (const [mountPath, dir] of dirs) {
    if (value === mountPath) return dir;
    if (value.startsWith(`${mountPath}/`)) return dir + value.slice(mountPath.length);
  }
  return value;
}

/**
 * config.yaml with only its path values remapped: every string scalar that lies under a pod mount
 * path is rewritten, and keys, comments and all other values stay exactly as rendered.
 */
export function remapConfigPaths(configYaml: string, dirs: ReadonlyMap<string, string>): string {
  const document = parseDocument(configYaml);
  visit(document, {
    Scalar(key, node) {
      if (key === "value" && isScalar(node) && typeof node.value === "string") {
        node.value = remapPath(node.value, dirs);
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}

function secretValue(secrets: readonly V1Secret[], name: string, key: string): string | undefined {
  const secret = secrets.find((s) => s.metadata?.name === name);
  if (secret === undefined) return undefined;
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return plain;
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
}

/** The container env as the kubelet would set it from `secrets`; throws on a missing required key. */
export function resolveEnv(env: readonly V1EnvVar[], secrets: readonly V1Secret[]): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const variable of env) {
    if (variable.value !== undefined) {
      resolved[variable.name] = variable.value;
      continue;
    }
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref === undefined)
      throw new Error(`env ${variable.name}: only values and secretKeyRef are supported`);
    const value = secretValue(secrets, ref.name ?? "", ref.key);
    if (value !== undefined) resolved[variable.name] = value;
    else if (ref.optional !== true)
      throw new Error(`env ${variable.name}: Secret ${ref.name}/${ref.key} missing`);
  }
  return resolved;
}

/** What a finished dfs command printed, and how it ended. */
export interface DfsResult {
  code: number | null;
  output: string;
}

/** Runs `dfs <args>` to completion with exactly `env` (nothing inherited from this process). */
export function runDfs(
  binary: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<DfsResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** A long-running dfs process and everything it has printed so far. */
export interface RunningDfs {
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop: (graceMs?: number) => Promise<number | null>;
}

/** Why the tests that serve files over NFS must skip here (no dfs, no NFS client), or false. */
export function fileServingSkip(): string | false {
  if (builtDfsBinary() === undefined) return "dfs is not built: run `npm run cluster:build`";
  return missingNfsClient() ?? false;
}

/** Starts `dfs <args>` with exactly `env`. */
export function startDfs(binary: string, args: readonly string[], env: Record<string, string>): RunningDfs {
  const child = spawn(binary, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async (graceMs = 20_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, output: () => output, stop };
}

/** dfs's request log (`API request completed` lines) in `output`, as "METHOD path status". */
export function dfsRequests(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.includes('"API request completed"'))
    .map((line) => {
      const entry = JSON.parse(line) as { method: string; path: string; status: number };
      return `${entry.method} ${entry.path} ${entry.status}`;
    });
}
