// The stack's API keys and Jellyfin admin: generated once (node:crypto) into a Secret the stack owns,
// created before any app starts so the keys are preset. Values never reach logs, status or Events.
import { randomBytes } from "node:crypto";
import type { ReconcileContext } from "../../../framework/context.js";
import type { MediaStack } from "../../../generated/mediastack.js";
import { apiKeysSecretName } from "../names.js";
import { readApiKeys, renderApiKeysSecret, type StackApiKeys } from "../render/api-keys-secret.js";
import { stackIdentity } from "../stack-identity.js";

/**
 * 32 lowercase hex characters, the format Sonarr, Radarr and Prowlarr generate themselves, and
 * Bazarr too (hexlify(os.urandom(16)), bazarr/app/config.py).
 */
function generateApiKey(): string {
  return randomBytes(16).toString("hex");
}

/** Fills what a Secret lacks (all of it for a new one); what it has is kept, whoever wrote it. */
function completeKeys(stored: Partial<StackApiKeys>): StackApiKeys {
  return {
    sonarr: stored.sonarr ?? generateApiKey(),
    radarr: stored.radarr ?? generateApiKey(),
    prowlarr: stored.prowlarr ?? generateApiKey(),
    bazarr: stored.bazarr ?? generateApiKey(),
    transmissionUsername: stored.transmissionUsername ?? "mediaplane",
    transmissionPassword: stored.transmissionPassword ?? randomBytes(24).toString("base64url"),
    jellyfinAdminUsername: stored.jellyfinAdminUsername ?? "mediaplane-admin",
    jellyfinAdminPassword: stored.jellyfinAdminPassword ?? randomBytes(24).toString("base64url"),
    ...(stored.jellyfinApiKey !== undefined ? { jellyfinApiKey: stored.jellyfinApiKey } : {}),
  };
}

function isComplete(stored: Partial<StackApiKeys>): stored is StackApiKeys {
  return (
    stored.sonarr !== undefined &&
    stored.radarr !== undefined &&
    stored.prowlarr !== undefined &&
    stored.bazarr !== undefined &&
    stored.transmissionUsername !== undefined &&
    stored.transmissionPassword !== undefined &&
    stored.jellyfinAdminUsername !== undefined &&
    stored.jellyfinAdminPassword !== undefined
  );
}

/**
 * The keys to render and wire with. Created once by the framework's create-once (regenerating would
 * change keys under running apps); a Secret missing some keys gets only those generated.
 */
export async function ensureApiKeys(ctx: ReconcileContext<MediaStack>): Promise<StackApiKeys> {
  const secretName = apiKeysSecretName(stackIdentity(ctx.object).name);
  let generated: StackApiKeys | undefined;
  const { object: secret, created } = await ctx.children.createOnce(
    { apiVersion: "v1", kind: "Secret", name: secretName },
    () => renderApiKeysSecret(ctx.object, (generated = completeKeys({}))),
  );
  if (created && generated) {
    await ctx.event("Normal", "ApiKeysGenerated", `generated the apps' API keys into Secret ${secretName}`);
    return generated;
  }
  const stored = readApiKeys(secret);
  if (isComplete(stored)) return stored;
  const completed = completeKeys(stored);
  await ctx.children.apply(renderApiKeysSecret(ctx.object, completed));
  await ctx.event(
    "Normal",
    "ApiKeysGenerated",
    `Secret ${secretName} lacked some keys: generated the missing ones into it`,
  );
  return completed;
}
