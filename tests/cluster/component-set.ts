// The control plane's child processes as one group: launches them with a log file each, tells which one
// died first (to blame it in startup errors) and stops them in dependency order.
import { join } from "node:path";
import { ComponentProcess } from "./component-process.js";

export type ComponentName =
  | "etcd"
  | "kube-apiserver"
  | "kube-controller-manager"
  | "kube-scheduler"
  | "kwok"
  // The opt-in real node (node/real-node.ts), stopped by it before the control plane.
  | "containerd"
  | "kubelet"
  | "kube-proxy"
  | "coredns";

export class ComponentSet {
  private readonly byName = new Map<ComponentName, ComponentProcess>();

  constructor(private readonly dir: string) {}

  launch(name: ComponentName, binary: string, args: string[], env?: NodeJS.ProcessEnv): ComponentProcess {
    const component = ComponentProcess.start({ name, binary, args, logFile: this.logFile(name), env });
    this.byName.set(name, component);
    return component;
  }

  logFile(name: ComponentName): string {
    return join(this.dir, `${name}.log`);
  }

  get(name: ComponentName): ComponentProcess | undefined {
    return this.byName.get(name);
  }

  /** "kwok exited with code 1" for the first component that is gone, else undefined. */
  firstExited(): string | undefined {
    for (const [name, component] of this.byName) {
      if (component.exited !== undefined) return `${name} ${component.exited}`;
    }
    return undefined;
  }

  firstExitedName(): ComponentName | undefined {
    for (const [name, component] of this.byName) if (component.exited !== undefined) return name;
    return undefined;
  }

  /**
   * Clients first, then the apiserver, then etcd: etcd waits for the apiserver's connections to close
   * and the apiserver for etcd, so stopping all at once ends in SIGKILLs after the grace period.
   */
  async stopAll(): Promise<void> {
    const stop = async (names: ComponentName[]): Promise<void> => {
      await Promise.all(names.map(async (name) => this.byName.get(name)?.stop()));
    };
    await stop(["kwok", "kube-scheduler", "kube-controller-manager"]);
    await stop(["kube-apiserver"]);
    await stop(["etcd"]);
  }

  killAllNow(): void {
    for (const component of this.byName.values()) component.killNow();
  }
}
