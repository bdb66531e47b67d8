// The Percona metadata store's config from Percona's user Secret: DittoFS's keys and types, a missing
// or incomplete Secret named, and the password kept out of every message.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { V1Secret } from "@kubernetes/client-node";
import { metadataDatabaseName } from "../../../operator/controllers/dittoserver/names.js";
import { desiredServerConfig } from "../../../operator/controllers/dittoserver/server-api/desired-config.js";
import {
  postgresMetadataSource,
  withoutPassword,
} from "../../../operator/controllers/dittoserver/server-api/postgres-metadata.js";
import { resolveServerSettings } from "../../../operator/controllers/dittoserver/settings.js";
import { dittoServer } from "./fixtures.js";

const percona = resolveServerSettings(
  dittoServer("nas", { storage: { metadataSize: "1Gi" }, percona: { enabled: true } }),
);

function secret(values: Record<string, string>): V1Secret {
  const data = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, Buffer.from(value).toString("base64")]),
  );
  return { metadata: { name: "nas-postgres-pguser-dittofs", resourceVersion: "7" }, data };
}

const complete = {
  host: "nas-postgres-primary.media.svc",
  port: "5432",
  user: "dittofs",
  password: "p@ss word",
  dbname: "dittofs",
  uri: "postgresql://dittofs:p%40ss%20word@nas-postgres-primary.media.svc:5432/dittofs",
};

test("Percona's Secret becomes DittoFS's postgres store config, in the metadata database", () => {
  const source = postgresMetadataSource(percona, secret(complete));
  assert.deepEqual(source, {
    kind: "ready",
    config: {
      host: "nas-postgres-primary.media.svc",
      port: 5432,
      database: "dittofs_metadata",
      user: "dittofs",
      password: "p@ss word",
      sslmode: "require",
    },
    secretVersion: "7",
  });
  assert.equal(source.kind, "ready");
  const desired = desiredServerConfig(percona, undefined, source.config);
  assert.equal(desired.metadataStore.type, "postgres");
  assert.equal(desired.metadataStore.name, "mediaplane-metadata");
});

test("without Percona the metadata store stays BadgerDB on the metadata volume", () => {
  const plain = resolveServerSettings(dittoServer("nas", { storage: { metadataSize: "1Gi" } }));
  assert.deepEqual(postgresMetadataSource(plain, undefined), { kind: "none" });
  assert.deepEqual(desiredServerConfig(plain, undefined).metadataStore, {
    name: "mediaplane-metadata",
    type: "badger",
    config: { path: "/data/metadata/badger" },
  });
});

test("a missing or incomplete Secret is named, with the keys it lacks", () => {
  assert.deepEqual(postgresMetadataSource(percona, undefined), {
    kind: "incomplete",
    message: "Secret nas-postgres-pguser-dittofs (Percona's user Secret) does not exist",
  });
  const { password: _password, host: _host, ...partial } = complete;
  assert.deepEqual(postgresMetadataSource(percona, secret(partial)), {
    kind: "incomplete",
    message: "Secret nas-postgres-pguser-dittofs lacks keys host, password",
  });
  assert.deepEqual(postgresMetadataSource(percona, secret({ ...complete, port: "fivefour" })), {
    kind: "incomplete",
    message: "Secret nas-postgres-pguser-dittofs: key port is not a port number",
  });
});

test("the password is taken out of DittoFS's messages, plain or URL-encoded", () => {
  const source = postgresMetadataSource(percona, secret(complete));
  assert.equal(source.kind, "ready");
  assert.equal(
    withoutPassword("dial postgres://dittofs:p%40ss%20word@h/x failed; password p@ss word", source.config),
    "dial postgres://dittofs:***@h/x failed; password ***",
  );
});

test("the metadata database name fits PostgreSQL's 63 characters", () => {
  assert.equal(metadataDatabaseName("dittofs"), "dittofs_metadata");
  assert.equal(metadataDatabaseName("d".repeat(63)).length, 63);
});
