// Which DittoServer share a stack mounts: the data PersistentVolume's path once it exists, else the
// spec's path, else the share named in the spec, else the server's first share (its default /export).
import assert from "node:assert/strict";
import { test } from "node:test";
import { sharePathFor } from "../../../operator/controllers/mediastack/dittoserver-endpoint.js";
import type { DittoServer } from "../../../operator/generated/dittoserver.js";

function server(shares?: Array<{ name: string; path: string }>): DittoServer {
  return {
    apiVersion: "dittofs.dittofs.com/v1alpha1",
    kind: "DittoServer",
    metadata: { name: "library", namespace: "media" },
    spec: { ...(shares ? { shares } : {}) } as DittoServer["spec"],
  };
}

const library = server([
  { name: "media", path: "/media" },
  { name: "backups", path: "/backups" },
]);

test("by name, by path, or the first share; the server's default share when it lists none", () => {
  assert.deepEqual(sharePathFor(library, { kind: "dittoServer", name: "library", share: "backups" }), {
    path: "/backups",
  });
  assert.deepEqual(sharePathFor(library, { kind: "dittoServer", name: "library", path: "/media" }), {
    path: "/media",
  });
  assert.deepEqual(sharePathFor(library, { kind: "dittoServer", name: "library" }), { path: "/media" });
  assert.deepEqual(sharePathFor(server(), { kind: "dittoServer", name: "library" }), { path: "/export" });
});

test("a name the server does not have is a problem naming its shares; an empty list has no first", () => {
  assert.deepEqual(sharePathFor(library, { kind: "dittoServer", name: "library", share: "films" }), {
    problem: "it has no share named films (its shares: media, backups)",
  });
  assert.deepEqual(sharePathFor(server([]), { kind: "dittoServer", name: "library" }), {
    problem: "it has no share in its spec.shares",
  });
});

test("once the data volume exists its path wins: reordering the server's shares never moves /data", () => {
  const reordered = server([
    { name: "backups", path: "/backups" },
    { name: "media", path: "/media" },
  ]);
  assert.deepEqual(sharePathFor(reordered, { kind: "dittoServer", name: "library" }, "/media"), {
    path: "/media",
  });
});
