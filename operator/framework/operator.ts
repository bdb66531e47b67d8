// The Operator: wires controllers to one API client, one informer per kind, an Event
// recorder, metrics, leader election and the probe server; starts and stops them in order.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KubeAccess } from "./kube-access.js";
import { hostname } from "node:os";
import type { Logger } from "winston";
import { Controller, type ControllerOptions } from "./controller.js";
import { EventRecorder } from "./events.js";
import { InformerRegistry } from "./informer.js";
import { KubeApi } from "./kube-api.js";
import { LeaderElector } from "./leader-election.js";
import type { Condition } from "./conditions.js";
import { OperatorMetrics, type ReadyObservation } from "./metrics.js";
import { startProbeServer } from "./http-server.js";
import { builtinResources, type ResourceType } from "./resource.js";

export interface OperatorOptions {
  kubeConfig: KubeAccess;
  log: Logger;
  fieldManager?: string;
  identity?: string;
  metrics?: OperatorMetrics;
  /** Kinds children may have beyond the built-ins and the controllers' own resources. */
  extraResources?: ResourceType[];
  leaderElection?: { enabled: boolean; namespace: string; name: string; leaseDurationSeconds?: number };
  probes?: { host: string; port: number };
  shutdownDeadlineMs?: number;
  /** Backoff between failed watch attempts (default 500 ms doubling to 30 s). */
  watchBackoff?: { baseMs?: number; capMs?: number };
}

export class Operator {
  readonly api: KubeApi;
  readonly metrics: OperatorMetrics;
  readonly informers: InformerRegistry;
  private readonly controllers: Array<Controller<KubernetesObject>> = [];
  private readonly events: EventRecorder;
  private readonly identity: string;
  private elector: LeaderElector | undefined;
  private probes: { port: number; close(): Promise<void> } | undefined;
  private started = false;

  constructor(private readonly options: OperatorOptions) {
    this.api = new KubeApi(options.kubeConfig);
    this.metrics = options.metrics ?? new OperatorMetrics();
    this.identity = options.identity ?? `${hostname()}-${process.pid}`;
    this.informers = new InformerRegistry(this.api, options.log, (resource) => ({
      onRestart: (reason) => this.metrics.watchRestarts.inc({ resource: resource.plural, reason }),
      backoffBaseMs: options.watchBackoff?.baseMs,
      backoffCapMs: options.watchBackoff?.capMs,
    }));
    this.events = new EventRecorder(this.api, "mediaplane", this.identity, options.log);
    this.metrics.observeReadiness(() => this.readiness());
  }

  /** Registers a controller; call before start(). */
  controller<T extends KubernetesObject, O extends object = object>(
    options: ControllerOptions<T, O>,
  ): Controller<T, O> {
    if (this.started) throw new Error("register controllers before start()");
    const controller = new Controller<T, O>(options, {
      api: this.api,
      informers: this.informers,
      events: this.events,
      metrics: this.metrics,
      log: this.options.log,
      fieldManager: this.options.fieldManager ?? "mediaplane",
      knownResources: () => this.knownResources(),
    });
    this.controllers.push(controller as unknown as Controller<KubernetesObject>);
    this.metrics.registerController(options.name);
    return controller;
  }

  get ready(): boolean {
    return this.started && this.informers.synced;
  }

  get probePort(): number | undefined {
    return this.probes?.port;
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : this.started;
  }

  private readonly stopRequested = new AbortController();
  private stopping: Promise<boolean> | undefined;

  async start(): Promise<void> {
    this.started = true;
    if (this.options.probes) {
      this.probes = await startProbeServer({
        ...this.options.probes,
        ready: () => this.ready,
        registry: this.metrics.registry,
      });
    }
    this.informers.startAll();
    // A stop while the caches fill (SIGTERM before the API server answered) ends start() early.
    const stopping = new Promise<"stopped">((resolve) => {
      if (this.stopRequested.signal.aborted) resolve("stopped");
      this.stopRequested.signal.addEventListener("abort", () => resolve("stopped"), { once: true });
    });
    if ((await Promise.race([this.informers.waitForSync(), stopping])) === "stopped") return;
    const election = this.options.leaderElection;
    if (election?.enabled) {
      this.elector = new LeaderElector(
        this.api,
        {
          ...election,
          identity: this.identity,
          onStartedLeading: () => this.setLeading(true),
          onStoppedLeading: () => this.setLeading(false),
        },
        this.options.log,
      );
      this.elector.start();
    } else {
      this.setLeading(true);
    }
    this.options.log.info("operator started", {
      controllers: this.controllers.map((controller) => controller.options.name),
      leaderElection: election?.enabled ?? false,
    });
  }

  /** Stops watches, lets running reconciles finish within the deadline, releases the lease. Idempotent. */
  stop(): Promise<boolean> {
    this.stopRequested.abort();
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<boolean> {
    const deadline = this.options.shutdownDeadlineMs ?? 20_000;
    const drained = await Promise.all(
      this.controllers.map((controller) => controller.queue.shutdown(deadline)),
    );
    await this.informers.stopAll();
    // Events the last reconciles queued are still posted, bounded like the drain.
    await Promise.race([this.events.flush(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    await this.elector?.stop();
    await this.probes?.close();
    const clean = drained.every(Boolean);
    this.options.log.info("operator stopped", { drained: clean });
    return clean;
  }

  /** Every object of every controller with whether its Ready condition is True, from the caches. */
  private *readiness(): Generator<ReadyObservation> {
    for (const controller of this.controllers) {
      for (const object of this.informers.for(controller.options.resource).list()) {
        const conditions = (object as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
        yield {
          controller: controller.options.name,
          namespace: object.metadata?.namespace ?? "",
          name: object.metadata?.name ?? "",
          ready: conditions.some((condition) => condition.type === "Ready" && condition.status === "True"),
        };
      }
    }
  }

  private setLeading(leading: boolean): void {
    this.metrics.leader.set(leading ? 1 : 0);
    for (const controller of this.controllers) {
      if (leading) {
        controller.queue.resume();
        // A new leader reconciles everything once: the previous one may have left work undone.
        for (const object of this.informers.for(controller.options.resource).list()) {
          controller.queue.add(
            object.metadata?.namespace
              ? `${object.metadata.namespace}/${object.metadata.name}`
              : (object.metadata?.name ?? ""),
          );
        }
      } else {
        controller.queue.pause();
        controller.forgetWrittenStatus();
      }
    }
  }

  private knownResources(): ResourceType[] {
    return [
      ...Object.values(builtinResources),
      ...this.controllers.map((controller) => controller.options.resource),
      ...(this.options.extraResources ?? []),
    ];
  }
}
