// Ensures Secret <name>-controlplane exists before anything reads it: generated once with node:crypto,
// created by the framework's create-once (never applied, so never overwritten), else read back.
import type { V1Secret } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import type { ReconcileContext } from "../../framework/context.js";
import type { DittoServer } from "../../generated/dittoserver.js";
import { dittoServerNames } from "./names.js";
import {
  CONTROL_PLANE_SECRET_KEYS,
  renderControlPlaneSecret,
  type ControlPlaneCredentials,
} from "./render/control-plane-secret.js";

export interface EnsuredControlPlaneSecret {
  credentials: ControlPlaneCredentials;
  /** resourceVersion of the Secret as it now exists; it feeds the config hash. */
  resourceVersion: string | undefined;
  created: boolean;
}

/** Fresh values: a 64-character JWT signing key (DittoFS wants ≥ 32) and a 32-character password. */
export function generateControlPlaneCredentials(): ControlPlaneCredentials {
  return {
    jwtSecret: randomBytes(48).toString("base64url"),
    adminPassword: randomBytes(24).toString("base64url"),
  };
}

function decoded(secret: V1Secret, key: string): string {
  const value = secret.data?.[key];
  return value === undefined ? "" : Buffer.from(value, "base64").toString("utf8");
}

/**
 * The values of an existing Secret. They are only rendered, never written (the Secret is create-only),
 * so one edited by hand into something the renderer refuses is replaced by throwaway values here.
 */
function credentialsOf(secret: V1Secret): ControlPlaneCredentials {
  const credentials = {
    jwtSecret: decoded(secret, CONTROL_PLANE_SECRET_KEYS.jwtSecret),
    adminPassword: decoded(secret, CONTROL_PLANE_SECRET_KEYS.adminPassword),
  };
  return credentials.jwtSecret.length >= 32 ? credentials : generateControlPlaneCredentials();
}

/** Creates the Secret once (unowned: it outlives the server, like the data it unlocks) or reads it back. */
export async function ensureControlPlaneSecret(
  ctx: ReconcileContext<DittoServer>,
): Promise<EnsuredControlPlaneSecret> {
  const server = ctx.object;
  let generated: ControlPlaneCredentials | undefined;
  const { object, created } = await ctx.children.createOnce(
    { apiVersion: "v1", kind: "Secret", name: dittoServerNames.controlPlaneSecret(server) },
    () => renderControlPlaneSecret(server, (generated = generateControlPlaneCredentials())),
    { owned: false },
  );
  return {
    credentials: created && generated ? generated : credentialsOf(object),
    resourceVersion: object.metadata?.resourceVersion,
    created,
  };
}
