// containerd refusing to start is one line naming it and its own error, within the timeout, and the
// host is as before: no lock file, no process, nothing left. (Here it refuses a socket path longer
// than a unix socket can be, a real refusal of the real binary.)
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { realNodeBinaryPaths } from "../../cluster/binaries.js";
import { ComponentSet } from "../../cluster/component-set.js";
import { realNodeLockFile } from "../../cluster/node/machine-lock.js";
import { leftovers, snapshotHost } from "../../cluster/node/host-state.js";
import { findCommand, RealNodeUnavailableError } from "../../cluster/node/prerequisites.js";
import { startRealNode } from "../../cluster/node/real-node.js";

test("containerd that cannot listen: one line naming containerd's error; lock and host restored", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("the real node needs root");
  if (findCommand("containerd") === undefined)
    return t.skip("containerd is not installed (.ci/run installs it)");
  if (existsSync(realNodeLockFile)) return t.skip("a real node runs on this machine right now");
  const base = mkdtempSync(join(tmpdir(), "mediaplane-node-"));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  // A unix socket path holds at most 107 bytes; containerd's socket lands under <dir>/node/containerd/.
  const dir = join(base, "x".repeat(110));
  mkdirSync(dir);
  const components = new ComponentSet(dir);
  const before = snapshotHost();
  await assert.rejects(
    startRealNode({
      layout: {
        dir,
        hostIp: "127.0.0.1",
        kubeconfigPath: join(dir, "unused-kubeconfig"),
        caCertFile: join(dir, "unused-ca.crt"),
        sandboxImage: "mediaplane.local/pause:unused",
        ports: { kubelet: 1, kubeletHealthz: 2, proxyHealthz: 3, proxyMetrics: 4, dns: 5, dnsReady: 6 },
      },
      binaries: realNodeBinaryPaths(),
      components,
      admin: new KubeConfig(),
      images: [],
      timeoutMs: 60_000,
    }),
    (error: unknown) => {
      assert.ok(error instanceof RealNodeUnavailableError, String(error));
      assert.equal(error.message.includes("\n"), false, error.message);
      assert.match(
        error.message,
        /^real node: containerd did not start \(containerd exited with code 1: containerd: failed to get listener .*: unix socket path too long/,
      );
      return true;
    },
  );
  assert.equal(existsSync(realNodeLockFile), false, "the lock is released");
  assert.deepEqual(leftovers(before, { runDir: dir, containerdAddress: join(dir, "node") }), []);
});
