// With Percona, DittoFS's metadata store is PostgreSQL in the Percona cluster: this reads the user
// Secret the Percona operator writes and turns it into DittoFS's postgres store config (password inside).
import type { V1Secret } from "@kubernetes/client-node";
import { metadataDatabaseName } from "../names.js";
import type { PostgresSslMode, ServerSettings } from "../settings.js";

/**
 * The connection settings of the metadata store, exactly the keys DittoFS v0.29.0 reads in
 * pkg/controlplane/runtime/init.go (CreateMetadataStoreFromConfig, case "postgres"): host, port (a
 * JSON number: a string silently becomes 5432), database, user, password, sslmode.
 */
export interface PostgresMetadataConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  sslmode: PostgresSslMode;
}

export type PostgresMetadataSource =
  | { kind: "none" }
  | { kind: "ready"; config: PostgresMetadataConfig; secretVersion?: string }
  | { kind: "incomplete"; message: string };

function secretValue(secret: V1Secret, key: string): string | undefined {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}

/**
 * The Percona user Secret `<cluster>-pguser-<user>` has host, port, user, password, dbname and uri
 * (percona-postgresql-operator internal/controller/postgrescluster/postgres.go,
 * generatePostgresUserSecret). Only the Percona source gets a PostgreSQL metadata store: the operator
 * creates its second database only there.
 */
export function postgresMetadataSource(
  settings: ServerSettings,
  secret: V1Secret | undefined,
): PostgresMetadataSource {
  const database = settings.database;
  if (database.kind !== "postgres" || database.source !== "percona" || settings.percona === undefined) {
    return { kind: "none" };
  }
  const keys = database.secret;
  if (secret === undefined) {
    return {
      kind: "incomplete",
      message: `Secret ${keys.secretName} (Percona's user Secret) does not exist`,
    };
  }
  const values = {
    host: secretValue(secret, keys.hostKey),
    port: secretValue(secret, keys.portKey),
    user: secretValue(secret, keys.userKey),
    password: secretValue(secret, keys.passwordKey),
  };
  const lacking = Object.entries(values)
    .filter(([, value]) => value === undefined || value.trim() === "")
    .map(([field]) => keys[`${field}Key` as keyof typeof keys]);
  if (lacking.length > 0) {
    return {
      kind: "incomplete",
      message: `Secret ${keys.secretName} lacks key${lacking.length > 1 ? "s" : ""} ${lacking.join(", ")}`,
    };
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return {
      kind: "incomplete",
      message: `Secret ${keys.secretName}: key ${keys.portKey} is not a port number`,
    };
  }
  return {
    kind: "ready",
    config: {
      host: (values.host ?? "").trim(),
      port,
      database: metadataDatabaseName(settings.percona.databaseName),
      user: (values.user ?? "").trim(),
      password: values.password ?? "",
      sslmode: database.sslMode,
    },
    ...(secret.metadata?.resourceVersion === undefined
      ? {}
      : { secretVersion: secret.metadata.resourceVersion }),
  };
}

/** DittoFS's message with the password taken out, for conditions, Events and logs. */
export function withoutPassword(message: string, config: PostgresMetadataConfig | undefined): string {
  if (config === undefined || config.password === "") return message;
  return message.split(config.password).join("***").split(encodeURIComponent(config.password)).join("***");
}
