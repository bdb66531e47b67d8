// The stack's qBittorrent WebUI credentials: read back from the stack's Secret, or generated once
// (node:crypto) and created before anything else. Values never reach logs, status, conditions or Events.
import { randomBytes } from "node:crypto";
import { hashQbittorrentPassword } from "../../clients/qbittorrent/password-hash.js";
import type { ReconcileContext } from "../../framework/context.js";
import type { MediaStack } from "../../generated/mediastack.js";
import { qbittorrentCredentialsSecretName } from "./names.js";
import {
  qbittorrentCredentialKeys,
  readQbittorrentCredentials,
  renderQbittorrentCredentialsSecret,
  type QbittorrentCredentials,
} from "./render/credentials-secret.js";
import { secretValue } from "./render/secret-data.js";
import { stackIdentity } from "./stack-identity.js";

function generateCredentials(): QbittorrentCredentials {
  const username = `mediaplane-${randomBytes(4).toString("hex")}`;
  const password = randomBytes(24).toString("base64url");
  return { username, password, passwordPbkdf2: hashQbittorrentPassword(password) };
}

/**
 * The credentials to render. The Secret is created once, first, by the framework's create-once (a
 * lagging cache is corrected by the create's 409): generating twice would change the password under
 * running Torrents, and the Event is posted only after the Secret exists. A Secret written by hand
 * with a user name and password but no hash keeps them and gets the hash.
 */
export async function ensureQbittorrentCredentials(
  ctx: ReconcileContext<MediaStack>,
): Promise<QbittorrentCredentials> {
  const secretName = qbittorrentCredentialsSecretName(stackIdentity(ctx.object).name);
  let generated: QbittorrentCredentials | undefined;
  const { object: secret, created } = await ctx.children.createOnce(
    { apiVersion: "v1", kind: "Secret", name: secretName },
    () => renderQbittorrentCredentialsSecret(ctx.object, (generated = generateCredentials())),
  );
  if (created && generated) {
    await ctx.event(
      "Normal",
      "CredentialsGenerated",
      `generated qBittorrent WebUI credentials into Secret ${secretName}`,
    );
    return generated;
  }
  const stored = readQbittorrentCredentials(secret);
  if (stored) return stored;
  const username = secretValue(secret, qbittorrentCredentialKeys.username);
  const password = secretValue(secret, qbittorrentCredentialKeys.password);
  const completed =
    username !== undefined && password !== undefined
      ? { username, password, passwordPbkdf2: hashQbittorrentPassword(password) }
      : generateCredentials();
  // The renderer applies the completed Secret with the other children; this run writes it first.
  await ctx.children.apply(renderQbittorrentCredentialsSecret(ctx.object, completed));
  if (username === undefined || password === undefined) {
    await ctx.event(
      "Normal",
      "CredentialsGenerated",
      `Secret ${secretName} held no usable credentials: generated new qBittorrent WebUI credentials into it`,
    );
  }
  return completed;
}
