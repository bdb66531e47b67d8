// Which qBittorrent a Torrent uses, and what it says while it cannot use one yet.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { CacheReader } from "../../../operator/framework/context.js";
import type { ResourceType } from "../../../operator/framework/resource.js";
import { resolveClient } from "../../../operator/controllers/torrent/client-resolution.js";
import { endpointIdentity } from "../../../operator/clients/qbittorrent/poller-registry.js";
import type { Torrent } from "../../../operator/generated/torrent.js";

function cacheOf(objects: KubernetesObject[]): CacheReader {
  const find = (resource: ResourceType, namespace?: string) =>
    objects.filter(
      (o) => o.kind === resource.kind && (namespace === undefined || o.metadata?.namespace === namespace),
    );
  return {
    get: <T extends KubernetesObject>(resource: ResourceType, namespace: string | undefined, name: string) =>
      find(resource, namespace).find((o) => o.metadata?.name === name) as T | undefined,
    list: <T extends KubernetesObject>(resource: ResourceType, namespace?: string) =>
      find(resource, namespace) as T[],
    isServed: () => true,
    byIndex: () => {
      throw new Error("this cache has no indexes");
    },
  };
}

const b64 = (text: string): string => Buffer.from(text).toString("base64");

function torrentWith(clientRef?: Torrent["spec"]["client_ref"]): Torrent {
  return {
    apiVersion: "torrent.qbittorrent.io/v1alpha1",
    kind: "Torrent",
    metadata: { name: "t", namespace: "media" },
    spec: {
      magnet_uri: "magnet:?xt=urn:btih:8c212779b4abde7c6bc608063a0d008b7e40ce32",
      client_ref: clientRef,
    },
  };
}

test("without client_ref the operator default is used, or a clear condition says there is none", () => {
  const resolved = resolveClient(torrentWith(), cacheOf([]), {
    url: "http://q:8080",
    username: "u",
    password: "p",
  });
  assert.equal(resolved.kind, "ready");
  const none = resolveClient(torrentWith(), cacheOf([]), undefined);
  assert.equal(none.kind, "invalid");
  assert.equal(none.kind === "invalid" && none.reason, "NoQbittorrentConfigured");
});

test("a Secret reference needs url and username/password or api_key", () => {
  const secret = (data: Record<string, string>): KubernetesObject =>
    ({ kind: "Secret", metadata: { name: "qbt", namespace: "media" }, data }) as KubernetesObject;
  const ref = { kind: "Secret" as const, name: "qbt" };
  assert.equal(resolveClient(torrentWith(ref), cacheOf([]), undefined).kind, "waiting");
  const bad = resolveClient(torrentWith(ref), cacheOf([secret({ url: b64("http://q:8080") })]), undefined);
  assert.equal(bad.kind, "invalid");
  const good = resolveClient(
    torrentWith(ref),
    cacheOf([secret({ url: b64("http://q:8080"), api_key: b64("k") })]),
    undefined,
  );
  assert.equal(good.kind === "ready" && good.target.apiKey, "k");
  assert.ok(
    good.kind === "ready" && !good.target.source.includes("k\u0000"),
    "the source names the Secret, not its content",
  );
});

test("a MediaStack reference waits for the stack's qBittorrent, naming what it waits for", () => {
  const ref = { kind: "MediaStack" as const, name: "home" };
  const missing = resolveClient(torrentWith(ref), cacheOf([]), undefined);
  assert.equal(missing.kind === "waiting" && missing.reason, "WaitingForMediaStack");
  const stack = (ready: boolean): KubernetesObject =>
    ({
      kind: "MediaStack",
      metadata: { name: "home", namespace: "media" },
      status: { qbittorrent: { url: "http://home-qbittorrent:8080", credentialsSecret: "creds", ready } },
    }) as KubernetesObject;
  const notReady = resolveClient(torrentWith(ref), cacheOf([stack(false)]), undefined);
  assert.equal(notReady.kind, "waiting");
  assert.match(notReady.kind === "waiting" ? notReady.message : "", /qBittorrent of MediaStack media\/home/);
  const creds = {
    kind: "Secret",
    metadata: { name: "creds", namespace: "media" },
    data: { username: b64("admin"), password: b64("pw") },
  };
  const ready = resolveClient(torrentWith(ref), cacheOf([stack(true), creds]), undefined);
  assert.equal(ready.kind, "ready");
  assert.equal(ready.kind === "ready" && ready.target.url, "http://home-qbittorrent:8080");
});

test("targets differ by identity but never expose the password in their id", () => {
  const a = endpointIdentity({ url: "http://q:8080/", username: "u", password: "secret-password" });
  assert.notEqual(a, endpointIdentity({ url: "http://q:8080", username: "u", password: "other" }));
  assert.equal(a, endpointIdentity({ url: "http://q:8080", username: "u", password: "secret-password" }));
  assert.ok(!a.includes("secret-password"));
});
