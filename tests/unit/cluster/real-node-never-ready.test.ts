// A real node whose kubelet runs but never gets Ready (here: no CNI config, so the runtime reports
// NetworkReady=false) fails the start with one line quoting the node's Ready condition, within the
// timeout, and leaves the host as it was: no lock, no process, no mount, chain, link or sysctl.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { realNodeBinaryPaths } from "../../cluster/binaries.js";
import { startControlPlane } from "../../cluster/control-plane.js";
import { leftovers, pidsWithArgument, snapshotHost } from "../../cluster/node/host-state.js";
import { realNodeLockFile } from "../../cluster/node/machine-lock.js";
import { findCommand, RealNodeUnavailableError } from "../../cluster/node/prerequisites.js";

const inCi = process.env["CI"] === "true";

function missingRealNodeBinaries(): string[] {
  const { kubelet, kubeProxy, coredns, pause } = realNodeBinaryPaths();
  return [kubelet, kubeProxy, coredns, pause].filter((path) => !existsSync(path));
}

test("a kubelet that never gets Ready: one line with the node's Ready condition; host restored", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("the real node needs root");
  if (findCommand("containerd") === undefined && !inCi)
    return t.skip("containerd is not installed (.ci/run installs it)");
  const missing = missingRealNodeBinaries();
  if (missing.length > 0) {
    if (inCi) assert.fail(`real node binaries missing in CI: ${missing.join(", ")}`);
    return t.skip("the real node's binaries are not built (bash tests/cluster/build.sh --real-node)");
  }
  if (existsSync(realNodeLockFile)) return t.skip("a real node runs on this machine right now");
  const before = snapshotHost();
  // Kubelet registers within seconds even on a busy machine (7–9 s at load 34, docs/benchmarks.md).
  const timeoutMs = 60_000;
  await assert.rejects(
    startControlPlane({
      nodeCount: 0,
      manifestDirs: [],
      realNode: true,
      realNodePodNetwork: false,
      realNodeTimeoutMs: timeoutMs,
    }),
    (error: unknown) => {
      assert.ok(error instanceof RealNodeUnavailableError, String(error));
      assert.equal(error.message.includes("\n"), false, error.message);
      assert.match(
        error.message,
        /^real node: node mediaplane-node never became Ready \(False: .*(NetworkReady=false|cni plugin not initialized).*\); see .*kubelet/,
      );
      return true;
    },
  );
  assert.equal(existsSync(realNodeLockFile), false, "the lock is released");
  const runDirs = join(tmpdir(), "mediaplane-cluster-");
  assert.deepEqual(leftovers(before, { runDir: runDirs, containerdAddress: "/node/containerd/" }), []);
  assert.deepEqual(pidsWithArgument("/node/kubelet.yaml"), [], "no kubelet left running");
});
