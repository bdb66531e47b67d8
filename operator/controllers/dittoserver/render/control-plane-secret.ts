// Renders Secret <name>-controlplane: the REST API's JWT signing key and the first admin password,
// generated once by the reconcile; DittoFS reads both from env vars, so neither lands in a ConfigMap.
import type { V1Secret } from "@kubernetes/client-node";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { commonLabels, dittoServerNames, serverNamespace } from "../names.js";

/** Keys of the control-plane Secret. */
export const CONTROL_PLANE_SECRET_KEYS = {
  jwtSecret: "jwt-secret",
  adminPassword: "admin-password",
} as const;

/** Values for a new control-plane Secret; DittoFS needs a JWT secret of at least 32 characters. */
export interface ControlPlaneCredentials {
  jwtSecret: string;
  adminPassword: string;
}

const MIN_JWT_SECRET_LENGTH = 32;

/**
 * Secret `<name>-controlplane`. Create it only when missing and never overwrite it: the admin
 * password is fixed in DittoFS's database on first start, so a new value would lock the operator out.
 */
export function renderControlPlaneSecret(
  server: DittoServer,
  credentials: ControlPlaneCredentials,
): V1Secret {
  if (credentials.jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new Error(`the JWT secret must have at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  const encode = (value: string): string => Buffer.from(value, "utf8").toString("base64");
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: dittoServerNames.controlPlaneSecret(server),
      namespace: serverNamespace(server),
      labels: commonLabels(server, "credentials"),
    },
    type: "Opaque",
    data: {
      [CONTROL_PLANE_SECRET_KEYS.jwtSecret]: encode(credentials.jwtSecret),
      [CONTROL_PLANE_SECRET_KEYS.adminPassword]: encode(credentials.adminPassword),
    },
  };
}
