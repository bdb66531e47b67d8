// The real node's failures before anything runs are one line each, naming the cause and the fix: a
// missing Debian package, an image whose Debian root cannot be built.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ensureDebianRootfs, ImageBuildError } from "../../cluster/images/debian-rootfs.js";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import {
  checkRealNodeHost,
  findCommand,
  RealNodeUnavailableError,
} from "../../cluster/node/prerequisites.js";

test("a host without containerd and iptables: one line naming both packages and the apt-get line", (t) => {
  if (process.getuid?.() !== 0) return t.skip("the check asks for root first");
  const lacking = new Set(["containerd", "containerd-shim-runc-v2", "ctr", "iptables", "iptables-save"]);
  assert.throws(
    () =>
      checkRealNodeHost((command) =>
        lacking.has(command) ? undefined : (findCommand(command) ?? `/x/${command}`),
      ),
    (error: unknown) => {
      assert.ok(error instanceof RealNodeUnavailableError);
      assert.equal(error.message.includes("\n"), false);
      assert.match(
        error.message,
        /^real node: missing Debian package\(s\) containerd iptables.*: apt-get install containerd iptables/,
      );
      return true;
    },
  );
});

test("an image whose Debian root cannot be fetched: one line with debootstrap's error, no half-built tree", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("debootstrap needs root");
  if (findCommand("debootstrap") === undefined)
    return t.skip("debootstrap is not installed (.ci/run installs it)");
  const cache = mkdtempSync(join(tmpdir(), "mediaplane-image-rootfs-"));
  const saved = { ...process.env };
  t.after(() => {
    process.env = saved;
    rmSync(cache, { recursive: true, force: true });
  });
  const [closed] = await freeLoopbackPorts(1);
  process.env["MEDIAPLANE_ROOTFS_DIR"] = cache;
  process.env["MEDIAPLANE_DEBIAN_MIRROR"] = `http://127.0.0.1:${closed}/debian`;
  await assert.rejects(
    ensureDebianRootfs({ name: "base", suite: "bookworm", include: [] }),
    (error: unknown) => {
      assert.ok(error instanceof ImageBuildError);
      assert.equal(error.message.includes("\n"), false, error.message);
      assert.match(
        error.message,
        /^image rootfs bookworm\/base: debootstrap from http:\/\/127\.0\.0\.1:\d+\/debian failed: E: /,
      );
      return true;
    },
  );
  assert.deepEqual(readdirSync(cache), []);
});
