// Leader election on a coordination.k8s.io/v1 Lease: only the holder reconciles, another
// replica takes over once the lease expires, and a clean shutdown hands it over at once.
import type { V1Lease } from "@kubernetes/client-node";
import type { Logger } from "winston";
import { isConflict, isNotFound, type KubeApi } from "./kube-api.js";
import { sleep } from "./informer.js";
import { builtinResources } from "./resource.js";

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

const microTime = (date: Date): string => date.toISOString().replace("Z", "000Z");

export class LeaderElector {
  private leading = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private lastRenew = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly options: LeaderElectionOptions,
    private readonly log: Logger,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning and releases the lease if held, so a successor need not wait for expiry. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    if (!this.leading) return;
    this.setLeading(false);
    try {
      const lease = await this.read();
      if (lease?.spec?.holderIdentity !== this.options.identity) return;
      await this.api.request("PUT", this.path(), {
        body: { ...lease, spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1 } },
        timeoutMs: this.requestTimeoutMs,
      });
      this.log.info("released leader lease", { lease: this.options.name });
    } catch (error) {
      this.log.warn("could not release leader lease", { error: String(error) });
    }
  }

  private get durationMs(): number {
    return (this.options.leaseDurationSeconds ?? 15) * 1000;
  }

  /** A lease request that takes a third of the lease is a failed attempt: a leader then steps down in time. */
  private get requestTimeoutMs(): number {
    return Math.max(1000, Math.round(this.durationMs / 3));
  }

  private async run(): Promise<void> {
    const retry = this.options.retryPeriodMs ?? 2000;
    while (!this.abort.signal.aborted) {
      try {
        const held = await this.tryAcquireOrRenew();
        if (held) this.lastRenew = Date.now();
        this.setLeading(held);
      } catch (error) {
        this.log.warn("leader election attempt failed", { error: String(error) });
        // Without a renewal within the lease duration another replica may hold it: stop reconciling.
        if (this.leading && Date.now() - this.lastRenew > this.durationMs * 0.66) this.setLeading(false);
      }
      await sleep(retry, this.abort.signal);
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.log.info(leading ? "became leader" : "stopped leading", {
      lease: `${this.options.namespace}/${this.options.name}`,
      identity: this.options.identity,
    });
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }

  private path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.options.namespace}/leases/${this.options.name}`;
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.request<V1Lease>("GET", this.path(), { timeoutMs: this.requestTimeoutMs });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const spec = {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: this.options.leaseDurationSeconds ?? 15,
      renewTime: microTime(now),
    };
    const lease = await this.read();
    if (!lease) {
      try {
        await this.api.create(builtinResources.Lease, {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name: this.options.name, namespace: this.options.namespace },
          spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
        });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    }
    const holder = lease.spec?.holderIdentity ?? "";
    const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
    const expired = renewed + (lease.spec?.leaseDurationSeconds ?? 15) * 1000 < now.getTime();
    if (holder !== this.options.identity && holder !== "" && !expired) return false;
    const takeover = holder !== this.options.identity;
    try {
      await this.api.request("PUT", this.path(), {
        timeoutMs: this.requestTimeoutMs,
        body: {
          ...lease,
          spec: {
            ...lease.spec,
            ...spec,
            ...(takeover
              ? { acquireTime: microTime(now), leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + 1 }
              : {}),
          },
        },
      });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }
}
