// The Secret holding the stack's qBittorrent WebUI credentials. The reconcile generates them once
// (node:crypto) when the Secret does not exist; this module only renders and reads them back.
import type { V1Secret } from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import { qbittorrentCredentialsSecretName, sharedLabels } from "../names.js";
import { appServiceUrl } from "../stack-settings.js";
import { stackIdentity } from "../stack-identity.js";
import { base64, secretValue } from "./secret-data.js";

/** The Secret's keys: url/username/password also make it usable directly as a Torrent client Secret. */
export const qbittorrentCredentialKeys = {
  url: "url",
  username: "username",
  password: "password",
  /** `@ByteArray(<base64 salt>:<base64 key>)` as qBittorrent stores it (a bare `salt:key` is wrapped). */
  passwordPbkdf2: "password_pbkdf2",
} as const;

export interface QbittorrentCredentials {
  readonly username: string;
  readonly password: string;
  /** From hashQbittorrentPassword(password, salt) in operator/clients/qbittorrent/password-hash.ts. */
  readonly passwordPbkdf2: string;
}

export function renderQbittorrentCredentialsSecret(
  stack: MediaStack,
  credentials: QbittorrentCredentials,
): V1Secret {
  const { name, namespace } = stackIdentity(stack);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: qbittorrentCredentialsSecretName(name),
      namespace,
      labels: sharedLabels(name, "qbittorrent-credentials"),
    },
    type: "kubernetes.io/basic-auth",
    // data, not stringData: stringData is write-only and would differ from the live object on
    // every server-side apply.
    data: {
      [qbittorrentCredentialKeys.url]: base64(appServiceUrl(name, namespace, "qbittorrent")),
      [qbittorrentCredentialKeys.username]: base64(credentials.username),
      [qbittorrentCredentialKeys.password]: base64(credentials.password),
      [qbittorrentCredentialKeys.passwordPbkdf2]: base64(credentials.passwordPbkdf2),
    },
  };
}

/** The credentials stored in an existing Secret, or undefined when a key is missing or empty. */
export function readQbittorrentCredentials(secret: V1Secret): QbittorrentCredentials | undefined {
  const read = (key: string): string | undefined => secretValue(secret, key);
  const username = read(qbittorrentCredentialKeys.username);
  const password = read(qbittorrentCredentialKeys.password);
  const passwordPbkdf2 = read(qbittorrentCredentialKeys.passwordPbkdf2);
  if (username === undefined || password === undefined || passwordPbkdf2 === undefined) return undefined;
  return { username, password, passwordPbkdf2 };
}
