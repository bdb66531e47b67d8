// The real node's host-state guard puts back what it finds changed: a new iptables chain with a jump
// into it (and a comment with quotes in it, as the CNI bridge writes them), a changed sysctl, a new
// network link, a mount under the run's directory; and says what is left.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { leftovers, restoreHost, snapshotHost } from "../../cluster/node/host-state.js";
import { findCommand } from "../../cluster/node/prerequisites.js";

const sh = (command: string, args: string[]): string => execFileSync(command, args, { encoding: "utf8" });

test("chains, rules, a sysctl, a link and a mount made after the snapshot are undone; leftovers names them first", (t) => {
  if (process.getuid?.() !== 0) return t.skip("changes host state: needs root");
  if (findCommand("iptables") === undefined) return t.skip("iptables is not installed (.ci/run installs it)");
  const runDir = mkdtempSync(join(tmpdir(), "mediaplane-hoststate-"));
  t.after(() => rmSync(runDir, { recursive: true, force: true }));
  const scope = { runDir, containerdAddress: join(runDir, "no-such-containerd.sock") };
  const before = snapshotHost();
  const chain = `MPL-TEST-${process.pid}`;
  const link = `mpltest${process.pid % 10000}`;
  const sysctl = "/proc/sys/net/ipv4/conf/all/route_localnet";
  const oldValue = readFileSync(sysctl, "utf8").trim();
  try {
    sh("iptables", ["-t", "filter", "-N", chain]);
    sh("iptables", [
      "-t",
      "filter",
      "-A",
      chain,
      "-m",
      "comment",
      "--comment",
      "a test rule",
      "-j",
      "RETURN",
    ]);
    sh("iptables", ["-t", "filter", "-I", "FORWARD", "-m", "comment", "--comment", 'id: "q"', "-j", chain]);
    writeFileSync(sysctl, oldValue === "0" ? "1" : "0");
    sh("ip", ["link", "add", link, "type", "bridge"]);
    mkdirSync(join(runDir, "mnt"));
    sh("mount", ["-t", "tmpfs", "tmpfs", join(runDir, "mnt")]);

    const found = leftovers(before, scope);
    assert.ok(
      found.some((line) => line.includes(`:${chain}`)),
      found.join("\n"),
    );
    assert.ok(
      found.some((line) => line.includes(`-A FORWARD -m comment --comment "id: \\"q\\"" -j ${chain}`)),
      found.join("\n"),
    );
    assert.ok(
      found.includes(
        `sysctl net/ipv4/conf/all/route_localnet is ${oldValue === "0" ? "1" : "0"}, was ${oldValue}`,
      ),
    );
    assert.ok(found.includes(`network link ${link}`));
    assert.ok(found.includes(`mount ${join(runDir, "mnt")}`));

    restoreHost(before, scope);
    assert.deepEqual(leftovers(before, scope), []);
    assert.equal(readFileSync(sysctl, "utf8").trim(), oldValue);
  } finally {
    // Whatever the assertions said, never leave this test's own changes on the machine.
    restoreHost(before, scope);
  }
});
