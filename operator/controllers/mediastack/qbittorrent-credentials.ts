// The stack's qBittorrent WebUI credentials: read back from the stack's Secret, or generated once
// (node:crypto) when it does not exist. Values are never logged, put in status, conditions or Events.
import type { V1Secret } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { hashQbittorrentPassword } from "../../clients/qbittorrent/password-hash.js";
import type { ReconcileContext } from "../../framework/context.js";
import { isNotFound } from "../../framework/kube-api.js";
import { builtinResources } from "../../framework/resource.js";
import type { MediaStack } from "../../generated/mediastack.js";
import { qbittorrentCredentialsSecretName } from "./names.js";
import {
  qbittorrentCredentialKeys,
  readQbittorrentCredentials,
  type QbittorrentCredentials,
} from "./render/credentials-secret.js";
import { stackIdentity } from "./stack-identity.js";

function generateCredentials(): QbittorrentCredentials {
  const username = `mediaplane-${randomBytes(4).toString("hex")}`;
  const password = randomBytes(24).toString("base64url");
  return { username, password, passwordPbkdf2: hashQbittorrentPassword(password) };
}

function decoded(secret: V1Secret, key: string): string | undefined {
  const value = secret.data?.[key];
  if (!value) return undefined;
  const text = Buffer.from(value, "base64").toString("utf8");
  return text === "" ? undefined : text;
}

/**
 * The credentials to render. An informer can lag behind our own last apply, so "absent from the
 * cache" is confirmed with a GET before anything is generated: generating twice would change the
 * password under running Torrents. A Secret with a user name and password but no hash (written by
 * hand) keeps them and gets the hash.
 */
export async function ensureQbittorrentCredentials(
  ctx: ReconcileContext<MediaStack>,
): Promise<QbittorrentCredentials> {
  const { name, namespace } = stackIdentity(ctx.object);
  const secretName = qbittorrentCredentialsSecretName(name);
  let secret = ctx.cache.get<V1Secret>(builtinResources.Secret, namespace, secretName);
  if (!secret) {
    try {
      secret = await ctx.api.get<V1Secret>(builtinResources.Secret, namespace, secretName);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  if (secret) {
    const stored = readQbittorrentCredentials(secret);
    if (stored) return stored;
    const username = decoded(secret, qbittorrentCredentialKeys.username);
    const password = decoded(secret, qbittorrentCredentialKeys.password);
    if (username !== undefined && password !== undefined) {
      return { username, password, passwordPbkdf2: hashQbittorrentPassword(password) };
    }
  }
  await ctx.event(
    "Normal",
    "CredentialsGenerated",
    `generated qBittorrent WebUI credentials into Secret ${secretName}`,
  );
  return generateCredentials();
}
