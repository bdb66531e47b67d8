// The Secrets a DittoServer's pod reads through env vars: the reconcile watches their
// resourceVersions (a change rolls the pod) and the status reports the ones that are missing.
import { dittoServerNames } from "./names.js";
import type { DittoServer } from "../../generated/dittoserver.js";
import type { ServerSettings } from "./settings.js";

/** Why the pod reads a Secret; the status names the purpose when the Secret is missing. */
export type SecretPurpose = "controlPlane" | "s3" | "database";

export interface ReferencedSecret {
  name: string;
  purpose: SecretPurpose;
}

/** Every Secret the rendered pod reads, in a stable order, without duplicates. */
export function referencedSecrets(server: DittoServer, settings: ServerSettings): ReferencedSecret[] {
  const secrets: ReferencedSecret[] = [
    { name: dittoServerNames.controlPlaneSecret(server), purpose: "controlPlane" },
  ];
  if (settings.database.kind === "postgres") {
    secrets.push({ name: settings.database.secret.secretName, purpose: "database" });
  }
  if (settings.s3 !== undefined) secrets.push({ name: settings.s3.secretName, purpose: "s3" });
  return secrets.filter(
    (secret, index) => secrets.findIndex((other) => other.name === secret.name) === index,
  );
}
