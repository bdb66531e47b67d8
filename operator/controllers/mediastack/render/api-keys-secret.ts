// The Secret holding the apps' generated API keys (preset into Sonarr, Radarr and Prowlarr by their
// environment, into Bazarr by its config file), Transmission's RPC login, and Jellyfin's admin plus the
// API key the wiring creates in Jellyfin. Renders and reads only.
import type { V1Secret } from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import { apiKeysSecretName, sharedLabels } from "../names.js";
import { stackIdentity } from "../stack-identity.js";
import { base64, secretValue } from "./secret-data.js";

/** The apps whose API key the stack presets through `<APP>__AUTH__APIKEY`. */
export const presetApiKeyApps = ["sonarr", "radarr", "prowlarr"] as const;
export type PresetApiKeyApp = (typeof presetApiKeyApps)[number];

export const apiKeySecretKeys = {
  sonarr: "sonarr-api-key",
  radarr: "radarr-api-key",
  prowlarr: "prowlarr-api-key",
  /** Written into Bazarr's /config/config/config.yaml (auth.apikey) by its init container; its exporter reads it too. */
  bazarr: "bazarr-api-key",
  /** Transmission's RPC login, given to LinuxServer's image as USER/PASS. */
  transmissionUsername: "transmission-username",
  transmissionPassword: "transmission-password",
  jellyfinAdminUsername: "jellyfin-admin-username",
  jellyfinAdminPassword: "jellyfin-admin-password",
  /** Written by the Jellyfin wiring once Jellyfin created it; absent before. */
  jellyfinApiKey: "jellyfin-api-key",
} as const;

export interface StackApiKeys {
  readonly sonarr: string;
  readonly radarr: string;
  readonly prowlarr: string;
  readonly bazarr: string;
  readonly transmissionUsername: string;
  readonly transmissionPassword: string;
  readonly jellyfinAdminUsername: string;
  readonly jellyfinAdminPassword: string;
  readonly jellyfinApiKey?: string;
}

export function renderApiKeysSecret(stack: MediaStack, keys: StackApiKeys): V1Secret {
  const { name, namespace } = stackIdentity(stack);
  const data: Record<string, string> = {};
  for (const [field, key] of Object.entries(apiKeySecretKeys)) {
    const value = keys[field as keyof StackApiKeys];
    if (value !== undefined) data[key] = base64(value);
  }
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: apiKeysSecretName(name), namespace, labels: sharedLabels(name, "api-keys") },
    type: "Opaque",
    data,
  };
}

/** What the Secret holds; a missing required key reads as undefined (the caller completes it). */
export function readApiKeys(secret: V1Secret | undefined): Partial<StackApiKeys> {
  const keys: Partial<Record<keyof StackApiKeys, string>> = {};
  for (const [field, key] of Object.entries(apiKeySecretKeys)) {
    const value = secretValue(secret, key);
    if (value !== undefined) keys[field as keyof StackApiKeys] = value;
  }
  return keys;
}
