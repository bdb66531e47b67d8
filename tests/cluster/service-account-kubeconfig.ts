// Mints a kubeconfig for a ServiceAccount through the TokenRequest API, so tests can act as (or run the
// operator as) a chart's ServiceAccount with RBAC really enforced by the apiserver.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { writeTokenKubeconfig } from "./kubeconfig-file.js";

export interface ServiceAccountKubeconfig {
  /** A kubeconfig file (mode 0600) usable by kubectl, helm or a child process via KUBECONFIG. */
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  readonly token: string;
}

export interface ServiceAccountKubeconfigOptions {
  /** Where the kubeconfig file goes. */
  readonly dir: string;
  /** Token lifetime; the apiserver's minimum is 600. Default 24h. */
  readonly expirationSeconds?: number;
}

async function clusterCaPem(admin: KubeConfig): Promise<string> {
  const cluster = admin.getCurrentCluster();
  if (cluster === null) throw new Error("the admin kubeconfig has no current cluster");
  if (cluster.caData !== undefined) return Buffer.from(cluster.caData, "base64").toString("utf8");
  if (cluster.caFile !== undefined) return readFile(cluster.caFile, "utf8");
  throw new Error("the admin kubeconfig's cluster has no certificate authority");
}

/**
 * Requests a token for `namespace/name` (which must exist) as the admin and writes a kubeconfig
 * that uses it, with `namespace` as the context's default namespace.
 */
export async function mintServiceAccountKubeconfig(
  admin: KubeConfig,
  namespace: string,
  name: string,
  options: ServiceAccountKubeconfigOptions,
): Promise<ServiceAccountKubeconfig> {
  const server = admin.getCurrentCluster()?.server;
  if (server === undefined) throw new Error("the admin kubeconfig has no current cluster");
  const tokenRequest = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: options.expirationSeconds ?? 86_400 } },
  });
  const token = tokenRequest.status?.token;
  if (token === undefined || token === "")
    throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  const kubeconfigPath = join(options.dir, `kubeconfig-sa-${namespace}-${name}.yaml`);
  await writeTokenKubeconfig(kubeconfigPath, {
    server,
    caCertPem: await clusterCaPem(admin),
    userName: `system:serviceaccount:${namespace}:${name}`,
    token,
    namespace,
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  return { kubeconfigPath, kubeConfig, token };
}
