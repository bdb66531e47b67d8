// The qBittorrent password and its hash appear in the credentials Secret and nowhere else: the
// Deployment reads them through secretKeyRef, never inline.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  qbittorrentCredentialKeys,
  readQbittorrentCredentials,
  renderQbittorrentCredentialsSecret,
} from "../../../operator/controllers/mediastack/render/credentials-secret.js";
import { allObjects, loadSample, renderWithDefaults, testApiKeys, testCredentials } from "./fixtures.js";

const base64 = (value: string): string => Buffer.from(value).toString("base64");
const secretValues = [
  testCredentials.password,
  testCredentials.passwordPbkdf2,
  base64(testCredentials.password),
  base64(testCredentials.passwordPbkdf2),
  // the key part of the hash alone, in case something unwrapped it
  testCredentials.passwordPbkdf2.slice("@ByteArray(".length, -1),
  ...[
    testApiKeys.sonarr,
    testApiKeys.radarr,
    testApiKeys.prowlarr,
    testApiKeys.jellyfinAdminPassword,
  ].flatMap((value) => [value, base64(value)]),
];

test("no password, hash or API key in any rendered object except the Secrets", () => {
  for (const sample of ["seed-002-nfs-gateway.yaml", "optional-apps.yaml", "minimal.yaml"]) {
    const render = renderWithDefaults(loadSample(sample));
    const others = allObjects(render).filter((object) => object.kind !== "Secret");
    assert.ok(others.length > 10);
    for (const object of others) {
      const text = JSON.stringify(object);
      for (const value of secretValues) {
        assert.ok(!text.includes(value), `${object.kind}/${object.metadata?.name} contains a credential`);
      }
    }
    const secrets = allObjects(render).filter((object) => object.kind === "Secret");
    assert.deepEqual(secrets.map((secret) => secret.metadata?.name?.replace(/^[a-z]+-/, "")).sort(), [
      "api-keys",
      "qbittorrent-credentials",
    ]);
  }
});

test("the qBittorrent Deployment reads the credentials through secretKeyRef", () => {
  const render = renderWithDefaults(loadSample("seed-002-nfs-gateway.yaml"));
  const text = JSON.stringify(
    render.children.find((o) => o.metadata?.name === "arr-qbittorrent" && o.kind === "Deployment"),
  );
  assert.ok(text.includes('"secretKeyRef":{"name":"arr-qbittorrent-credentials","key":"password_pbkdf2"}'));
  assert.ok(text.includes('"secretKeyRef":{"name":"arr-qbittorrent-credentials","key":"username"}'));
  assert.ok(!text.includes('"key":"password"}'), "the clear password is never needed by the pod");
});

test("the Secret round-trips through readQbittorrentCredentials and carries the in-cluster URL", () => {
  const secret = renderQbittorrentCredentialsSecret(loadSample("seed-002-nfs-gateway.yaml"), testCredentials);
  assert.deepEqual(readQbittorrentCredentials(secret), testCredentials);
  const url = Buffer.from(secret.data?.[qbittorrentCredentialKeys.url] ?? "", "base64").toString();
  assert.equal(url, "http://arr-qbittorrent.media.svc.cluster.local:8080");
  assert.equal(readQbittorrentCredentials({ data: { username: base64("a") } }), undefined);
});
