// A qbittorrent-nox rootfs that cannot be built fails with one line naming the suite and the cause (no
// mirror, no debootstrap), and leaves no half-built tree in the cache.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { ensureQbittorrentRootfs, RootfsUnavailableError } from "../../cluster/qbittorrent-rootfs.js";

const saved = { ...process.env };
let cache: string;

before(() => {
  cache = mkdtempSync(join(tmpdir(), "mediaplane-rootfs-"));
  process.env["MEDIAPLANE_ROOTFS_DIR"] = cache;
});

after(() => {
  process.env = saved;
  rmSync(cache, { recursive: true, force: true });
});

const oneLine = (error: unknown): string => {
  assert.ok(error instanceof RootfsUnavailableError, String(error));
  assert.equal(error.message.includes("\n"), false, error.message);
  return error.message;
};

test("an unreachable mirror: the suite and debootstrap's own error, nothing left in the cache", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("needs root, as the rootfs build does");
  const [closed] = await freeLoopbackPorts(1);
  process.env["MEDIAPLANE_DEBIAN_MIRROR"] = `http://127.0.0.1:${closed}/debian`;
  await assert.rejects(ensureQbittorrentRootfs("trixie"), (error: unknown) => {
    assert.match(
      oneLine(error),
      /^cannot build the trixie rootfs for qbittorrent-nox: debootstrap from http:\/\/127\.0\.0\.1:\d+\/debian failed: E: Failed getting release file/,
    );
    return true;
  });
  assert.deepEqual(readdirSync(cache), [], "the half-built tree is removed");
});

test("no debootstrap on PATH says how to install it", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("needs root, as the rootfs build does");
  process.env["PATH"] = "/nonexistent";
  try {
    await assert.rejects(ensureQbittorrentRootfs("sid"), (error: unknown) => {
      assert.equal(
        oneLine(error),
        "cannot build the sid rootfs for qbittorrent-nox: debootstrap is not installed (apt-get install debootstrap)",
      );
      return true;
    });
  } finally {
    process.env["PATH"] = saved["PATH"];
  }
});
