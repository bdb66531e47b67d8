// What a real node needs from the host before anything starts (root, Debian's containerd, runc, CNI
// plugins, iptables), each missing piece as one line that says what to install; it only stats files.
import { accessSync, constants } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { cniBinDir } from "./node-configs.js";

/** The Debian packages .ci/run and the demo install for a real node. */
export const realNodePackages = [
  "containerd",
  "runc",
  "containernetworking-plugins",
  "iptables",
  "conntrack",
];

/** A host that cannot run the real node; the message is one line naming the cause and the fix. */
export class RealNodeUnavailableError extends Error {
  override readonly name = "RealNodeUnavailableError";
  constructor(why: string) {
    super(`real node: ${why}`);
  }
}

const searchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** Absolute path of `command` on the usual PATH, or undefined. */
export function findCommand(command: string): string | undefined {
  const dirs = [...(process.env["PATH"] ?? "").split(":").filter((dir) => dir !== ""), ...searchPath];
  for (const dir of dirs) {
    const path = join(dir, command);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Next directory.
    }
  }
  return undefined;
}

/** Host commands the node runs, by the Debian package that ships them. */
const requiredCommands: ReadonlyArray<readonly [command: string, pkg: string]> = [
  ["containerd", "containerd"],
  ["containerd-shim-runc-v2", "containerd"],
  ["ctr", "containerd"],
  ["runc", "runc"],
  ["iptables", "iptables"],
  ["iptables-save", "iptables"],
  ["ip", "iproute2"],
  ["mount", "mount"],
];
const requiredCniPlugins = ["bridge", "host-local", "portmap", "loopback"];

export interface HostTools {
  readonly containerd: string;
  readonly ctr: string;
}

/** Throws RealNodeUnavailableError naming every missing package; returns the tools it found. */
export function checkRealNodeHost(find: (command: string) => string | undefined = findCommand): HostTools {
  if (process.getuid?.() !== 0) throw new RealNodeUnavailableError("kubelet and containerd need root");
  const missingPackages = new Set<string>();
  const found = new Map<string, string>();
  for (const [command, pkg] of requiredCommands) {
    const path = find(command);
    if (path === undefined) missingPackages.add(pkg);
    else found.set(command, path);
  }
  for (const plugin of requiredCniPlugins) {
    try {
      accessSync(join(cniBinDir, plugin), constants.X_OK);
    } catch {
      missingPackages.add("containernetworking-plugins");
    }
  }
  if (missingPackages.size > 0) {
    const list = [...missingPackages].join(" ");
    throw new RealNodeUnavailableError(
      `missing Debian package(s) ${list}: apt-get install ${list} (.ci/run installs them)`,
    );
  }
  return { containerd: found.get("containerd") as string, ctr: found.get("ctr") as string };
}

/** The host's first non-loopback IPv4 address: the node's InternalIP. */
export function hostIpv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  throw new RealNodeUnavailableError("the host has no non-loopback IPv4 address for the node to use");
}
