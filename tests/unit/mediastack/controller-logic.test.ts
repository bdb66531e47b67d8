// The pure parts of the MediaStack controller: which Torrents hold a deleting stack, the watch
// mappings, transition Events, and the status hints for a missing Gateway API and Pending config claims.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesObject, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { CacheReader } from "../../../operator/framework/context.js";
import type { ResourceType } from "../../../operator/framework/resource.js";
import { dittoServerOfFileService } from "../../../operator/controllers/mediastack/dittoserver-endpoint.js";
import { torrentsHoldingStack } from "../../../operator/controllers/mediastack/finalize-mediastack.js";
import { persistentVolumeOwnerLabels } from "../../../operator/controllers/mediastack/names.js";
import { computeMediaStackStatus } from "../../../operator/controllers/mediastack/status.js";
import {
  conditionFor,
  mediaStackReasons,
  type ComputedCondition,
} from "../../../operator/controllers/mediastack/condition-reasons.js";
import { setCondition, type Condition } from "../../../operator/framework/conditions.js";
import { transitionEvents } from "../../../operator/framework/reasons.js";
import {
  deletingStacksOfTorrent,
  stackOfVolume,
  stacksOfFileService,
} from "../../../operator/controllers/mediastack/watch-mappings.js";
import type { MediaStack } from "../../../operator/generated/mediastack.js";
import type { Torrent } from "../../../operator/generated/torrent.js";
import { loadSample, stackWith } from "./fixtures.js";

function torrent(name: string, extra: Partial<Torrent["metadata"]> = {}, clientRef?: string): Torrent {
  return {
    apiVersion: "torrent.qbittorrent.io/v1alpha1",
    kind: "Torrent",
    metadata: { name, namespace: "media", ...extra },
    spec: {
      magnet_uri: "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567",
      ...(clientRef ? { client_ref: { kind: "MediaStack" as const, name: clientRef } } : {}),
    },
  };
}

/** A cache over fixed objects keyed by kind, enough for the mapping functions. */
function cacheOf(objects: Record<string, KubernetesObject[]>): CacheReader {
  return {
    get: <T extends KubernetesObject>(resource: ResourceType, namespace: string | undefined, name: string) =>
      (objects[resource.kind] ?? []).find(
        (o) => o.metadata?.namespace === namespace && o.metadata?.name === name,
      ) as T | undefined,
    list: <T extends KubernetesObject>(resource: ResourceType, namespace?: string) =>
      (objects[resource.kind] ?? []).filter(
        (o) => namespace === undefined || o.metadata?.namespace === namespace,
      ) as T[],
    isServed: () => true,
    byIndex: () => {
      throw new Error("this cache has no indexes");
    },
  };
}

const stack: MediaStack = {
  ...stackWith({ storage: { data: { dittoServerRef: { name: "library" } } } }),
  metadata: { name: "arr", namespace: "media", uid: "stack-uid" },
};
const ownerRef = { apiVersion: "mediaplane.io/v1alpha1", kind: "MediaStack", name: "arr", uid: "stack-uid" };

test("a deleting stack waits for its owned Torrents and for client_ref Torrents already being deleted", () => {
  const owned = torrent("owned", { ownerReferences: [ownerRef] });
  const referencing = torrent("referencing", {}, "arr");
  const leaving = torrent("leaving", { deletionTimestamp: new Date() }, "arr");
  const other = torrent("other", { ownerReferences: [{ ...ownerRef, uid: "another-stack" }] }, "other");
  const holding = torrentsHoldingStack(stack, [owned, referencing, leaving, other]);
  assert.deepEqual(
    holding.map((t) => t.metadata.name),
    ["owned", "leaving"],
  );
});

test("Torrent changes reach a stack only while it is being deleted", () => {
  const owned = torrent("owned", { ownerReferences: [ownerRef] });
  assert.deepEqual(deletingStacksOfTorrent(owned, cacheOf({ MediaStack: [stack] })), []);
  const deleting = { ...stack, metadata: { ...stack.metadata, deletionTimestamp: new Date() } };
  assert.deepEqual(deletingStacksOfTorrent(owned, cacheOf({ MediaStack: [deleting] })), ["media/arr"]);
  assert.deepEqual(
    deletingStacksOfTorrent(torrent("by-ref", {}, "arr"), cacheOf({ MediaStack: [deleting] })),
    ["media/arr"],
  );
});

test("a DittoServer's file Service and the stack's volume map back to the stack", () => {
  const cache = cacheOf({ MediaStack: [stack] });
  assert.equal(dittoServerOfFileService("library-file"), "library");
  assert.equal(dittoServerOfFileService("arr-sonarr"), undefined);
  assert.deepEqual(stacksOfFileService({ metadata: { name: "library-file", namespace: "media" } }, cache), [
    "media/arr",
  ]);
  assert.deepEqual(stacksOfFileService({ metadata: { name: "other-file", namespace: "media" } }, cache), []);
  assert.deepEqual(stackOfVolume({ metadata: { labels: persistentVolumeOwnerLabels("media", "arr") } }), [
    "media/arr",
  ]);
  assert.deepEqual(stackOfVolume({ metadata: { labels: {} } }), []);
});

test("one Event per transition of status or reason, Warnings for what needs a person", () => {
  const at = new Date("2026-01-01T00:00:00Z");
  const set = (conditions: ComputedCondition[]): Condition[] =>
    conditions.reduce<Condition[]>((list, condition) => setCondition(list, condition, 1, at), []);
  const before = set([
    conditionFor("StorageReady", "WaitingForDittoServer", "waiting"),
    conditionFor("AppsReady", "AppsNotReady", "1/5"),
  ]);
  const after = set([
    conditionFor("StorageReady", "ClaimBound", "bound"),
    conditionFor("AppsReady", "AppsNotReady", "2/5"),
    conditionFor("RoutesReady", "GatewayApiNotInstalled", "no CRDs"),
  ]);
  assert.deepEqual(transitionEvents(mediaStackReasons, before, after), [
    { type: "Warning", reason: "GatewayApiNotInstalled", message: "RoutesReady: no CRDs" },
    { type: "Normal", reason: "ClaimBound", message: "StorageReady: bound" },
  ]);
});

test("without the Gateway API, a gateway stack's RoutesReady says so", () => {
  const seed = loadSample("seed-002-nfs-gateway.yaml");
  const status = computeMediaStackStatus(seed, { deployments: [], gatewayApiServed: false });
  const routes = status.conditions.find((c) => c.type === "RoutesReady");
  assert.equal(routes?.status, "False");
  assert.equal(routes?.reason, "GatewayApiNotInstalled");
});

test("an app whose config claim is not Bound says so in AppsReady", () => {
  const seed = loadSample("seed-002-nfs-gateway.yaml");
  const pending: V1PersistentVolumeClaim = {
    metadata: { name: "arr-sonarr-config" },
    status: { phase: "Pending" },
  };
  const status = computeMediaStackStatus(seed, { deployments: [], configClaims: [pending] });
  const apps = status.conditions.find((c) => c.type === "AppsReady");
  assert.match(apps?.message ?? "", /sonarr \(not created yet; config claim arr-sonarr-config is Pending/);
  assert.match(
    apps?.message ?? "",
    /prowlarr \(not created yet; config claim arr-prowlarr-config not found yet\)/,
  );
  const withoutClaims = computeMediaStackStatus(seed, { deployments: [] });
  assert.doesNotMatch(withoutClaims.conditions[1]?.message ?? "", /config claim/);
});
