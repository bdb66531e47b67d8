// The pod template's config-hash annotation: it changes when, and only when, the rendered
// config.yaml or a Secret the pod reads changes, so spec edits that touch neither never roll pods.
import { createHash } from "node:crypto";

/** Pod template annotation that carries configHash(); a new value rolls the StatefulSet. */
export const CONFIG_HASH_ANNOTATION = "dittofs.dittofs.com/config-hash";

/**
 * Hash of the config text and the resourceVersions of the Secrets the pod reads (by name; a missing
 * Secret is absent or undefined). Deliberately not the generation: an unrelated spec edit must not
 * restart the server. Order of `referencedSecretVersions` does not matter.
 */
export function configHash(
  configYaml: string,
  referencedSecretVersions: Readonly<Record<string, string | undefined>>,
): string {
  const hash = createHash("sha256");
  hash.update("config.yaml\0").update(configYaml).update("\0");
  for (const name of Object.keys(referencedSecretVersions).sort()) {
    hash.update(`secret ${name} ${referencedSecretVersions[name] ?? "missing"}\n`);
  }
  return hash.digest("hex");
}
