// Writes kubeconfig files that authenticate with a bearer token against the test apiserver, for the
// admin, the cluster components and ServiceAccounts; used by kubectl, helm and client-node alike.
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";

export interface TokenKubeconfig {
  readonly server: string;
  readonly caCertPem: string;
  readonly userName: string;
  readonly token: string;
  /** Default namespace of the context; omitted means `default`. */
  readonly namespace?: string;
}

/** Kubeconfig YAML with one cluster, one token user and one current context. */
export function tokenKubeconfigYaml(config: TokenKubeconfig): string {
  const context: Record<string, string> = { cluster: "mediaplane-test", user: config.userName };
  if (config.namespace !== undefined) context["namespace"] = config.namespace;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "mediaplane-test",
        cluster: {
          server: config.server,
          "certificate-authority-data": Buffer.from(config.caCertPem).toString("base64"),
        },
      },
    ],
    users: [{ name: config.userName, user: { token: config.token } }],
    contexts: [{ name: "mediaplane-test", context }],
    "current-context": "mediaplane-test",
  });
}

/** Writes the kubeconfig readable by its owner only (it holds a credential). */
export async function writeTokenKubeconfig(path: string, config: TokenKubeconfig): Promise<void> {
  await writeFile(path, tokenKubeconfigYaml(config), { mode: 0o600 });
}
