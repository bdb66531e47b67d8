// Puts one owned provider entry (a Prowlarr application, a download client) in place: found by its
// owned name, created when missing, rewritten when its visible fields drifted or what we write changed.
import {
  maskedSecret,
  type ProviderField,
  type ProviderResource,
} from "../../../clients/servarr/api-types.js";
import type { ProviderCollection, ServarrClient } from "../../../clients/servarr/client.js";
import { appliedHash, sameJson } from "./applied-hash.js";

export type ProviderAction = "created" | "updated" | "unchanged";

function isSecretField(field: ProviderField | undefined): boolean {
  return field?.value === maskedSecret || field?.privacy === "password" || field?.privacy === "apiKey";
}

/** Whether what the app shows matches what we would write, secrets aside (they come back masked). */
export function visibleFieldsMatch(existing: ProviderResource, desired: ProviderResource): boolean {
  for (const [key, value] of Object.entries(desired)) {
    if (key === "fields" || key === "id") continue;
    if (!sameJson(existing[key], value)) return false;
  }
  for (const field of desired.fields) {
    const shown = existing.fields?.find((candidate) => candidate.name === field.name);
    if (shown === undefined) return false;
    if (isSecretField(shown)) continue;
    if (!sameJson(shown.value ?? null, field.value ?? null)) return false;
  }
  return true;
}

export async function ensureOwnedProvider(
  client: ServarrClient,
  collection: ProviderCollection,
  desired: ProviderResource,
  lastHash: string | undefined,
): Promise<{ action: ProviderAction; hash: string }> {
  const hash = appliedHash(desired);
  const owned = (await client.listProviders(collection)).find(
    (entry) => entry.name.toLowerCase() === desired.name.toLowerCase(),
  );
  if (owned?.id === undefined) {
    await client.createProvider(collection, desired);
    return { action: "created", hash };
  }
  if (hash === lastHash && visibleFieldsMatch(owned, desired)) return { action: "unchanged", hash };
  await client.updateProvider(collection, owned.id, desired);
  return { action: "updated", hash };
}
