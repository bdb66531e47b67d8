// What a real node changes on the host (sysctls, iptables chains and rules, network links, mounts,
// cgroups, a few fixed directories), recorded before it starts and put back after; synchronous, so the
// process-exit handler can run it too. `leftovers` is the check that nothing stayed behind.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * kubelet sets the first six unless protectKernelDefaults (which would refuse this host's values);
 * the CNI bridge turns on forwarding; kube-proxy may set route_localnet and the conntrack limits.
 */
export const watchedSysctls = [
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
  "net/ipv4/ip_forward",
  "net/ipv4/conf/all/forwarding",
  "net/ipv4/conf/all/route_localnet",
  "net/ipv6/conf/all/forwarding",
  "net/bridge/bridge-nf-call-iptables",
  "net/bridge/bridge-nf-call-ip6tables",
  "net/netfilter/nf_conntrack_max",
  "net/netfilter/nf_conntrack_tcp_timeout_established",
  "net/netfilter/nf_conntrack_tcp_timeout_close_wait",
] as const;

/** Paths kubelet, containerd and the CNI plugins use whatever their flags say (created when absent). */
export const fixedHostPaths = [
  "/var/log/containers",
  "/var/run/netns",
  "/run/netns",
  "/run/containerd",
  "/var/lib/cni",
  "/var/lib/kubelet",
  "/var/log/pods",
  "/opt/containerd",
  "/usr/libexec/kubernetes",
] as const;

const iptablesTables = ["filter", "nat", "mangle", "raw"] as const;
const iptablesCommands = ["iptables", "ip6tables"] as const;

export interface HostSnapshot {
  readonly sysctls: Readonly<Record<string, string>>;
  /** `iptables-save`-style lines without counters, per command and table. */
  readonly iptables: Readonly<Record<string, readonly string[]>>;
  readonly links: readonly string[];
  readonly existingPaths: readonly string[];
  readonly cgroupDirs: readonly string[];
}

function readSysctl(key: string): string | undefined {
  try {
    return readFileSync(`/proc/sys/${key}`, "utf8").trim();
  } catch {
    return undefined;
  }
}

function run(command: string, args: readonly string[]): string {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function tryRun(command: string, args: readonly string[]): string | undefined {
  try {
    return run(command, args);
  } catch {
    return undefined;
  }
}

/** Chain declarations and rules of one table, counters dropped, in the order iptables-save prints them. */
function tableLines(command: string, table: string): string[] {
  const text = tryRun(`${command}-save`, ["-t", table]);
  if (text === undefined) return [];
  return text
    .split("\n")
    .filter((line) => line.startsWith(":") || line.startsWith("-A "))
    .map((line) => (line.startsWith(":") ? line.split(" ")[0] : line));
}

function linkNames(): string[] {
  const text = tryRun("ip", ["-o", "link", "show"]) ?? "";
  return text
    .split("\n")
    .map((line) => /^\d+:\s+([^:@]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** The kubelet's QoS hierarchy (cgroupfs driver, cgroup v1): /sys/fs/cgroup/<controller>/kubepods. */
function kubepodsCgroupDirs(): string[] {
  const root = "/sys/fs/cgroup";
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((controller) => join(root, controller, "kubepods"))
    .filter((dir) => existsSync(dir));
}

export function snapshotHost(): HostSnapshot {
  const sysctls: Record<string, string> = {};
  for (const key of watchedSysctls) {
    const value = readSysctl(key);
    if (value !== undefined) sysctls[key] = value;
  }
  const iptables: Record<string, string[]> = {};
  for (const command of iptablesCommands) {
    for (const table of iptablesTables) iptables[`${command} ${table}`] = tableLines(command, table);
  }
  return {
    sysctls,
    iptables,
    links: linkNames(),
    existingPaths: fixedHostPaths.filter((path) => existsSync(path)),
    cgroupDirs: kubepodsCgroupDirs(),
  };
}

/** Mount points at or under `prefix` (deepest first), from /proc/self/mountinfo. */
export function mountsUnder(prefix: string): string[] {
  const text = readFileSync("/proc/self/mountinfo", "utf8");
  const points = text
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => point !== undefined)
    // mountinfo escapes spaces and such as octal; our paths have none.
    .filter((point) => point === prefix || point.startsWith(`${prefix}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** containerd's CRI keeps each pod's network namespace bind-mounted at /run/netns/cni-<uuid>. */
function cniNetworkNamespaces(): string[] {
  const dir = "/run/netns";
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith("cni-"))
    .map((name) => join(dir, name));
}

function removeCniNetworkNamespaces(): void {
  for (const path of cniNetworkNamespaces()) {
    tryRun("umount", ["-l", path]);
    rmSync(path, { force: true });
  }
}

function unmountAll(prefixes: readonly string[]): void {
  for (const prefix of prefixes) {
    for (const point of mountsUnder(prefix)) tryRun("umount", ["-l", point]);
  }
}

/** Every PID in a cgroup directory tree (cgroup v1 `cgroup.procs` files). */
function pidsInCgroupTree(dir: string): number[] {
  const pids: number[] = [];
  const visit = (path: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(path, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name);
      const procs = readFileSync(join(path, "cgroup.procs"), "utf8");
      for (const line of procs.split("\n")) if (line.trim() !== "") pids.push(Number(line));
    } catch {
      return;
    }
    for (const entry of entries) visit(join(path, entry));
  };
  visit(dir);
  return pids;
}

function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Removes a cgroup tree leaf-first (rmdir only: a cgroup directory cannot be removed any other way). */
function removeCgroupTree(dir: string): void {
  let children: string[];
  try {
    children = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name));
  } catch {
    return;
  }
  for (const child of children) removeCgroupTree(child);
  try {
    rmdirSync(dir);
  } catch {
    // Still busy: leftovers() reports it.
  }
}

/** Processes whose command line mentions `needle` (containerd's shims name their socket address). */
export function pidsWithArgument(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return pids.filter((pid) => pid !== process.pid);
}

/** Feeds `lines` to `<command>-restore --noflush` for one table; false when it refused them. */
function iptablesRestore(command: string, table: string, lines: readonly string[]): boolean {
  try {
    execFileSync(`${command}-restore`, ["--noflush"], {
      input: [`*${table}`, ...lines, "COMMIT", ""].join("\n"),
      stdio: ["pipe", "ignore", "ignore"],
    });
    return true;
  } catch {
    return false;
  }
}

function restoreIptables(before: HostSnapshot): void {
  for (const command of iptablesCommands) {
    for (const table of iptablesTables) {
      const old = new Set(before.iptables[`${command} ${table}`] ?? []);
      const now = tableLines(command, table);
      // iptables-restore reads the rules exactly as iptables-save quoted them (CNI's comments carry
      // escaped quotes). Rules first (jumps keep new chains busy), then the emptied new chains.
      const deletions = now.filter((l) => l.startsWith("-A ") && !old.has(l)).map((l) => `-D ${l.slice(3)}`);
      const chains = now.filter((l) => l.startsWith(":") && !old.has(l)).map((l) => l.slice(1));
      const lines = [...deletions, ...chains.map((c) => `-F ${c}`), ...chains.map((c) => `-X ${c}`)];
      if (lines.length === 0 || iptablesRestore(command, table, lines)) continue;
      // One refused line (say, a rule another process removed meanwhile) must not keep the rest.
      for (const line of lines) iptablesRestore(command, table, [line]);
    }
  }
}

export interface RestoreScope {
  /** The run's own directory: every mount under it is undone. */
  readonly runDir: string;
  /** containerd's socket; its shims carry it on their command line. */
  readonly containerdAddress: string;
}

/**
 * Puts the host back as `before` found it: kills what is left of the pods and containerd's shims,
 * undoes mounts, removes new links, iptables rules and chains, cgroups and fixed paths, resets sysctls.
 */
export function restoreHost(before: HostSnapshot, scope: RestoreScope): void {
  const newCgroups = kubepodsCgroupDirs().filter((dir) => !before.cgroupDirs.includes(dir));
  for (let round = 0; round < 3; round++) {
    killPids(newCgroups.flatMap(pidsInCgroupTree));
    killPids(pidsWithArgument(scope.containerdAddress));
  }
  const newFixedPaths = fixedHostPaths.filter((path) => !before.existingPaths.includes(path));
  unmountAll([scope.runDir, ...newFixedPaths]);
  removeCniNetworkNamespaces();
  for (const link of linkNames()) if (!before.links.includes(link)) tryRun("ip", ["link", "delete", link]);
  restoreIptables(before);
  for (const dir of newCgroups) removeCgroupTree(dir);
  for (const path of newFixedPaths) rmSync(path, { recursive: true, force: true });
  for (const [key, value] of Object.entries(before.sysctls)) {
    if (readSysctl(key) !== value) {
      try {
        writeFileSync(`/proc/sys/${key}`, value);
      } catch {
        // leftovers() names it.
      }
    }
  }
}

/** What differs from `before` (one line each); empty when the host is as it was. */
export function leftovers(before: HostSnapshot, scope: RestoreScope): string[] {
  const after = snapshotHost();
  const found: string[] = [];
  for (const [key, value] of Object.entries(before.sysctls)) {
    if (after.sysctls[key] !== value) found.push(`sysctl ${key} is ${after.sysctls[key]}, was ${value}`);
  }
  for (const [where, lines] of Object.entries(after.iptables)) {
    const old = new Set(before.iptables[where] ?? []);
    for (const line of lines) if (!old.has(line)) found.push(`${where}: ${line}`);
  }
  for (const link of after.links) if (!before.links.includes(link)) found.push(`network link ${link}`);
  for (const path of after.existingPaths)
    if (!before.existingPaths.includes(path)) found.push(`path ${path}`);
  for (const dir of after.cgroupDirs) if (!before.cgroupDirs.includes(dir)) found.push(`cgroup ${dir}`);
  for (const point of mountsUnder(scope.runDir)) found.push(`mount ${point}`);
  for (const path of cniNetworkNamespaces()) found.push(`network namespace ${path}`);
  for (const pid of pidsWithArgument(scope.containerdAddress)) found.push(`process ${pid} (containerd shim)`);
  return found;
}
