// How the operator reaches the API server: in a pod its service account, else a kubeconfig file,
// read here rather than through client-node, whose KubeConfig loads every API model (about 60 MiB).
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { Agent } from "node:https";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";

/** What the framework needs of a kubeconfig; client-node's KubeConfig (used by tests) has the same shape. */
export interface KubeAccess {
  getCurrentCluster(): { server: string } | null;
  applyToFetchOptions(options: object): Promise<{ agent?: unknown; headers?: unknown }>;
}

export class KubeAccessError extends Error {
  override readonly name = "KubeAccessError";
}

interface ClusterEntry {
  server?: string;
  "certificate-authority"?: string;
  "certificate-authority-data"?: string;
  "insecure-skip-tls-verify"?: boolean;
  "tls-server-name"?: string;
}

interface ExecConfig {
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  apiVersion?: string;
}

interface UserEntry {
  token?: string;
  tokenFile?: string;
  "client-certificate"?: string;
  "client-certificate-data"?: string;
  "client-key"?: string;
  "client-key-data"?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  "auth-provider"?: unknown;
}

interface KubeconfigFile {
  "current-context"?: string;
  clusters?: Array<{ name: string; cluster?: ClusterEntry }>;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string } }>;
  users?: Array<{ name: string; user?: UserEntry }>;
}

/** Where a pod's service account credentials are mounted. */
export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";
/** Token files are re-read this often: projected service account tokens rotate (client-go: 1 minute). */
const tokenFileTtlMs = 60_000;

const readIf = (path: string | undefined, base: string): Buffer | undefined =>
  path === undefined ? undefined : readFileSync(isAbsolute(path) ? path : join(base, path));
const decoded = (data: string | undefined): Buffer | undefined =>
  data === undefined ? undefined : Buffer.from(data, "base64");

/** A token read from a file, at most once per minute. */
function tokenFromFile(path: string): () => string {
  let cached: { token: string; at: number } | undefined;
  return () => {
    if (cached === undefined || Date.now() - cached.at > tokenFileTtlMs) {
      cached = { token: readFileSync(path, "utf8").trim(), at: Date.now() };
    }
    return cached.token;
  };
}

/** A client-go credential plugin's token, fetched again when it expires (or every 10 minutes). */
function tokenFromExec(exec: ExecConfig): () => Promise<string> {
  let cached: { token: string; until: number } | undefined;
  return async () => {
    if (cached !== undefined && Date.now() < cached.until) return cached.token;
    const apiVersion = exec.apiVersion ?? "client.authentication.k8s.io/v1";
    const { stdout } = await promisify(execFile)(exec.command, exec.args ?? [], {
      env: {
        ...process.env,
        ...Object.fromEntries((exec.env ?? []).map(({ name, value }) => [name, value])),
        KUBERNETES_EXEC_INFO: JSON.stringify({
          apiVersion,
          kind: "ExecCredential",
          spec: { interactive: false },
        }),
      },
      timeout: 60_000,
    });
    const status = (JSON.parse(stdout) as { status?: { token?: string; expirationTimestamp?: string } })
      .status;
    if (!status?.token) throw new KubeAccessError(`credential plugin ${exec.command} returned no token`);
    const expires = status.expirationTimestamp
      ? Date.parse(status.expirationTimestamp)
      : Date.now() + 600_000;
    cached = { token: status.token, until: expires - 10_000 };
    return status.token;
  };
}

class LoadedAccess implements KubeAccess {
  constructor(
    private readonly server: string,
    private readonly agent: Agent | undefined,
    private readonly authorization: () => Promise<string | undefined>,
  ) {}

  getCurrentCluster(): { server: string } {
    return { server: this.server };
  }

  async applyToFetchOptions(): Promise<{ agent?: unknown; headers: Record<string, string> }> {
    const authorization = await this.authorization();
    return {
      agent: this.agent,
      headers: authorization === undefined ? {} : { Authorization: authorization },
    };
  }
}

function tlsAgent(
  server: string,
  options: { ca?: Buffer; cert?: Buffer; key?: Buffer; insecure?: boolean; servername?: string },
): Agent | undefined {
  if (!server.startsWith("https:")) return undefined;
  return new Agent({
    keepAlive: true,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    rejectUnauthorized: options.insecure !== true,
    servername: options.servername,
  });
}

/** In a pod: the API server's Service address and the mounted service account token and CA. */
export function inClusterAccess(env: NodeJS.ProcessEnv, dir = serviceAccountDir): KubeAccess | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port || !existsSync(join(dir, "token"))) return undefined;
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const token = tokenFromFile(join(dir, "token"));
  const agent = tlsAgent(server, { ca: readFileSync(join(dir, "ca.crt")) });
  return new LoadedAccess(server, agent, () => Promise.resolve(`Bearer ${token()}`));
}

/** The current context of the first file that names one, with clusters and users from every file (first wins). */
export function kubeconfigFileAccess(paths: readonly string[]): KubeAccess | undefined {
  const files = paths.map((path) => ({
    path,
    config: (parse(readFileSync(path, "utf8")) ?? {}) as KubeconfigFile,
  }));
  const current = files.map((file) => file.config["current-context"]).find(Boolean);
  if (!current) return undefined;
  const find = <T extends { name: string }>(
    pick: (config: KubeconfigFile) => T[] | undefined,
    name: string | undefined,
  ) => {
    for (const file of files) {
      const entry = (pick(file.config) ?? []).find((candidate) => candidate.name === name);
      if (entry) return { entry, base: dirname(file.path) };
    }
    return undefined;
  };
  const context = find((config) => config.contexts, current)?.entry.context;
  if (!context) throw new KubeAccessError(`kubeconfig: current-context "${current}" is not defined`);
  const clusterFound = find((config) => config.clusters, context.cluster);
  const cluster = clusterFound?.entry.cluster;
  if (!cluster?.server)
    throw new KubeAccessError(`kubeconfig: cluster "${context.cluster ?? ""}" has no server`);
  const userFound = find((config) => config.users, context.user);
  const user: UserEntry = userFound?.entry.user ?? {};
  const userBase = userFound?.base ?? "";
  if (user["auth-provider"] !== undefined) {
    throw new KubeAccessError(
      `kubeconfig: user "${context.user ?? ""}" uses auth-provider, which mediaplane does not support: use an exec credential plugin or a token`,
    );
  }
  const clusterBase = clusterFound?.base ?? "";
  const agent = tlsAgent(cluster.server, {
    ca:
      decoded(cluster["certificate-authority-data"]) ?? readIf(cluster["certificate-authority"], clusterBase),
    cert: decoded(user["client-certificate-data"]) ?? readIf(user["client-certificate"], userBase),
    key: decoded(user["client-key-data"]) ?? readIf(user["client-key"], userBase),
    insecure: cluster["insecure-skip-tls-verify"],
    servername: cluster["tls-server-name"],
  });
  const { token, tokenFile, exec, username, password } = user;
  const fileToken =
    tokenFile === undefined
      ? undefined
      : tokenFromFile(isAbsolute(tokenFile) ? tokenFile : join(userBase, tokenFile));
  const execToken = exec === undefined ? undefined : tokenFromExec(exec);
  const authorization = async (): Promise<string | undefined> => {
    if (token) return `Bearer ${token}`;
    if (fileToken) return `Bearer ${fileToken()}`;
    if (execToken) return `Bearer ${await execToken()}`;
    if (username !== undefined)
      return `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}`;
    return undefined;
  };
  return new LoadedAccess(cluster.server, agent, authorization);
}

/**
 * client-node's loadFromDefault order: the KUBECONFIG files, else ~/.kube/config, else the pod's
 * service account. Undefined when none applies.
 */
export function loadKubeAccess(env: NodeJS.ProcessEnv = process.env): KubeAccess | undefined {
  const listed = (env.KUBECONFIG ?? "").split(delimiter).filter(Boolean);
  if (listed.length > 0) return kubeconfigFileAccess(listed.filter((path) => existsSync(path)));
  const home = join(env.HOME ?? homedir(), ".kube", "config");
  if (existsSync(home)) return kubeconfigFileAccess([home]);
  return inClusterAccess(env);
}
