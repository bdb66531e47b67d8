// Events leave the reconcile's path: record() returns before the API server answers, repeats of one
// Event become count bumps in order, and flush() waits for everything queued.
import assert from "node:assert/strict";
import { test } from "node:test";
import winston from "winston";
import { EventRecorder } from "../../../operator/framework/events.js";
import type { KubeApi } from "../../../operator/framework/kube-api.js";

interface Call {
  verb: "create" | "patch";
  name: string;
  count: number;
}

/** An API that answers each write only when released, recording the writes in the order they are sent. */
function slowApi(): { api: KubeApi; calls: Call[]; release: () => void } {
  const calls: Call[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const api = {
    create: async (_resource: unknown, body: { metadata: { name: string }; count: number }) => {
      calls.push({ verb: "create", name: body.metadata.name, count: body.count });
      await gate;
      return body;
    },
    patch: async (_resource: unknown, _namespace: string, name: string, body: { count: number }) => {
      calls.push({ verb: "patch", name, count: body.count });
      await gate;
      return body;
    },
  } as unknown as KubeApi;
  return { api, calls, release: open };
}

const torrent = {
  apiVersion: "torrent.qbittorrent.io/v1alpha1",
  kind: "Torrent",
  metadata: { namespace: "media", name: "ubuntu", uid: "u-1" },
};

test("record() returns before the API server answers; repeats bump the count in order; flush() waits", async () => {
  const { api, calls, release } = slowApi();
  const recorder = new EventRecorder(api, "mediaplane", "test", winston.createLogger({ silent: true }));
  await recorder.record(torrent, "Normal", "Added", "added torrent");
  await recorder.record(torrent, "Normal", "Added", "added torrent");
  await recorder.record(torrent, "Normal", "Removed", "removed torrent");
  // Both distinct Events are on their way; the repeat waits for the first post of its key.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    calls.map((call) => call.verb),
    ["create", "create"],
  );
  let flushed = false;
  const flushing = recorder.flush().then(() => (flushed = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(flushed, false, "flush waits for the API server");
  release();
  await flushing;
  assert.equal(calls.length, 3);
  assert.deepEqual(calls[2], { verb: "patch", name: calls[0].name, count: 2 });
});

test("at most 4 Events are in flight at once (the reconciles' own writes come first); the rest follow", async () => {
  const { api, calls, release } = slowApi();
  const recorder = new EventRecorder(api, "mediaplane", "test", winston.createLogger({ silent: true }));
  for (let i = 0; i < 40; i++) {
    await recorder.record(
      { ...torrent, metadata: { ...torrent.metadata, uid: `u-${i}` } },
      "Normal",
      "Added",
      "x",
    );
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(calls.length, 4);
  release();
  await recorder.flush();
  assert.equal(calls.length, 40);
});
