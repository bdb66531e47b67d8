// Ensures Secret <name>-controlplane exists before anything reads it: generated once with node:crypto,
// created (never applied, so never overwritten), and otherwise read back from the cache.
import type { V1Secret } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import type { ReconcileContext } from "../../framework/context.js";
import { isConflict } from "../../framework/kube-api.js";
import { builtinResources } from "../../framework/resource.js";
import type { DittoServer } from "../../generated/dittoserver.js";
import { dittoServerNames, serverNamespace } from "./names.js";
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

export async function ensureControlPlaneSecret(
  ctx: ReconcileContext<DittoServer>,
): Promise<EnsuredControlPlaneSecret> {
  const server = ctx.object;
  const namespace = serverNamespace(server);
  const name = dittoServerNames.controlPlaneSecret(server);
  const cached = ctx.cache.get<V1Secret>(builtinResources.Secret, namespace, name);
  if (cached) {
    return {
      credentials: credentialsOf(cached),
      resourceVersion: cached.metadata?.resourceVersion,
      created: false,
    };
  }
  const credentials = generateControlPlaneCredentials();
  try {
    const created = await ctx.api.create(
      builtinResources.Secret,
      renderControlPlaneSecret(server, credentials),
    );
    return { credentials, resourceVersion: created.metadata?.resourceVersion, created: true };
  } catch (error) {
    // The cache lagged behind a Secret that exists: keep it, whatever it holds.
    if (!isConflict(error)) throw error;
    const existing = await ctx.api.get<V1Secret>(builtinResources.Secret, namespace, name);
    return {
      credentials: credentialsOf(existing),
      resourceVersion: existing.metadata?.resourceVersion,
      created: false,
    };
  }
}
