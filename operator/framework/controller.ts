// Turns one registration into a running controller: informer events become queue keys,
// each key runs load → deletion → finalizer → reconcile → one status patch → next run.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "winston";
import {
  FINALIZING,
  READY,
  RECONCILING,
  STALLED,
  findCondition,
  resolveReadyPolicy,
  summarizeReady,
  type ConditionInput,
  type ReadyPolicySource,
} from "./conditions.js";
import { ReconcileContext, type CacheReader, type ChildWriter } from "./context.js";
import type { EventRecorder } from "./events.js";
import { addFinalizer, hasFinalizer, removeFinalizer } from "./finalizers.js";
import type { ChangeType, InformerRegistry } from "./informer.js";
import { isNotFound, type KubeApi } from "./kube-api.js";
import type { OperatorMetrics } from "./metrics.js";
import { PermanentError, TemporaryError, backoffDelay, type Outcome } from "./outcome.js";
import { apiVersionOf, objectKey, resourceFor, splitKey, type ResourceType } from "./resource.js";
import { patchStatusIfChanged } from "./status-patch.js";
import { WorkQueue } from "./work-queue.js";

/** Maps a change of another kind to the keys ("namespace/name") of objects to reconcile. */
export interface WatchMapping {
  resource: ResourceType;
  map: (object: KubernetesObject, cache: CacheReader) => string[];
}

export interface ControllerOptions<T extends KubernetesObject> {
  name: string;
  resource: ResourceType;
  /** Added before reconcile runs; removed only after `finalize` returns done. */
  finalizer?: string;
  reconcile: (ctx: ReconcileContext<T>) => Promise<Outcome>;
  finalize?: (ctx: ReconcileContext<T>) => Promise<Outcome>;
  /** Child kinds carrying a controller owner reference to T: their changes enqueue the owner. */
  owns?: ResourceType[];
  /** Other kinds whose changes map to objects of T. */
  watches?: WatchMapping[];
  /** Kinds only read from the cache (no events). */
  reads?: ResourceType[];
  /** Which conditions Ready summarizes; a function when they depend on the object's spec. */
  ready: ReadyPolicySource<T>;
  resyncSeconds?: number;
  concurrency?: number;
  /** A run of a new generation lasting longer than this (ms) shows Reconciling=True meanwhile; default 1000. */
  progressAfterMs?: number;
  /** Watch events for one object within this window (ms) coalesce into one run; default 100, 0 disables. */
  coalesceMs?: number;
  retry?: { baseMs?: number; capMs?: number };
}

export interface ControllerRuntime {
  api: KubeApi;
  informers: InformerRegistry;
  events: EventRecorder;
  metrics: OperatorMetrics;
  log: Logger;
  fieldManager: string;
  knownResources: () => ResourceType[];
}

type WithStatus = KubernetesObject & { status?: Record<string, unknown> };

export class Controller<T extends KubernetesObject> {
  readonly queue: WorkQueue;
  private readonly failures = new Map<string, number>();
  private readonly log: Logger;

  constructor(
    readonly options: ControllerOptions<T>,
    private readonly runtime: ControllerRuntime,
  ) {
    this.log = runtime.log.child({ controller: options.name });
    this.queue = new WorkQueue((key) => this.process(key), options.concurrency ?? 4);
    this.subscribe();
  }

  private get primary(): ReturnType<InformerRegistry["for"]> {
    return this.runtime.informers.for(this.options.resource);
  }

  readonly cache: CacheReader = {
    get: <C extends KubernetesObject>(resource: ResourceType, namespace: string | undefined, name: string) =>
      this.runtime.informers.for<C>(resource).get(namespace, name),
    list: <C extends KubernetesObject>(resource: ResourceType, namespace?: string) =>
      this.runtime.informers.for<C>(resource).list(namespace),
    isServed: (resource: ResourceType) => this.runtime.informers.for(resource).isServed,
  };

  /** Enqueues from watch events, coalescing bursts (at most 10 windows of delay). */
  private enqueueFromEvent(key: string): void {
    const window = this.options.coalesceMs ?? 100;
    this.queue.addDebounced(key, window, window * 10);
  }

  private subscribe(): void {
    this.primary.subscribe((type, object, previous) => {
      if (type === "DELETED") {
        this.failures.delete(objectKey(object));
        return;
      }
      if (type === "ADDED" || needsReconcile(object, previous)) this.enqueueFromEvent(objectKey(object));
    });
    const group = this.options.resource.group;
    for (const resource of this.options.owns ?? []) {
      this.runtime.informers.for(resource).subscribe((_type: ChangeType, child) => {
        const owner = child.metadata?.ownerReferences?.find(
          (ref) =>
            ref.controller &&
            ref.kind === this.options.resource.kind &&
            ref.apiVersion.startsWith(`${group}/`),
        );
        if (owner) {
          this.enqueueFromEvent(
            child.metadata?.namespace ? `${child.metadata.namespace}/${owner.name}` : owner.name,
          );
        }
      });
    }
    for (const watch of this.options.watches ?? []) {
      this.runtime.informers.for(watch.resource).subscribe((_type: ChangeType, object) => {
        for (const key of watch.map(object, this.cache)) this.enqueueFromEvent(key);
      });
    }
    for (const resource of this.options.reads ?? []) this.runtime.informers.for(resource);
  }

  private async process(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.primary.get(namespace, name) as T | undefined;
    if (!cached) return;
    const log = this.log.child({ object: key });
    const started = process.hrtime.bigint();
    let result = "done";
    try {
      result = await this.run(structuredClone(cached), key, log);
    } catch (error) {
      // Only framework bookkeeping (status patch, finalizer patch) can land here.
      result = "error";
      const delay = this.nextBackoff(key);
      log.error("reconcile bookkeeping failed", { error: errorMessage(error), retryInMs: delay });
      this.queue.addAfter(key, delay);
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.runtime.metrics.recordReconcile(this.options.name, result, seconds);
      this.runtime.metrics.queueDepth.set({ controller: this.options.name }, this.queue.depth);
    }
  }

  private async run(object: T, key: string, log: Logger): Promise<string> {
    const { finalizer } = this.options;
    if (object.metadata?.deletionTimestamp) {
      if (!finalizer || !hasFinalizer(object, finalizer)) return "done";
      return this.runFinalize(object, key, log, finalizer);
    }
    const stalled = findCondition((object as WithStatus).status?.conditions as never, STALLED);
    if (stalled?.status === "True" && stalled.observedGeneration === object.metadata?.generation) {
      log.debug("stalled at this generation; waiting for a spec change");
      return "skipped";
    }
    if (finalizer && !hasFinalizer(object, finalizer)) {
      object = await addFinalizer(this.runtime.api, this.options.resource, object, finalizer);
    }
    const ctx = this.context(object, log);
    const generation = object.metadata?.generation;
    const observed = (object as WithStatus).status?.observedGeneration;
    let progressTimer: NodeJS.Timeout | undefined;
    let progressWrite: Promise<void> | undefined;
    if (generation !== undefined && observed !== generation) {
      const reconciling: ConditionInput = {
        type: RECONCILING,
        status: true,
        reason: "Progressing",
        message: `reconciling generation ${generation}`,
      };
      ctx.setCondition(reconciling);
      // Shown while the run lasts long enough for a person to look; a quick run writes status once.
      progressTimer = setTimeout(() => {
        const snapshot = this.context(object, log);
        snapshot.setCondition(reconciling);
        progressWrite = this.writeStatus(object, snapshot, observed as number | undefined, undefined).catch(
          (error: unknown) => {
            log.debug("could not write the Reconciling status", { error: errorMessage(error) });
          },
        );
      }, this.options.progressAfterMs ?? 1000);
    }
    let outcome: Outcome | undefined;
    let failure: unknown;
    try {
      outcome = await this.options.reconcile(ctx);
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(progressTimer);
      await progressWrite;
    }
    if (failure === undefined) {
      this.failures.delete(key);
      ctx.removeCondition(STALLED);
      ctx.removeCondition(RECONCILING);
      await this.writeStatus(object, ctx, generation, undefined);
      return this.schedule(key, outcome);
    }
    return this.handleFailure(object, ctx, key, log, failure, observed as number | undefined);
  }

  private async handleFailure(
    object: T,
    ctx: ReconcileContext<T>,
    key: string,
    log: Logger,
    failure: unknown,
    observed: number | undefined,
  ): Promise<string> {
    const message = errorMessage(failure);
    if (failure instanceof PermanentError) {
      log.warn("reconcile failed permanently", { reason: failure.reason, error: message });
      ctx.setCondition({ type: STALLED, status: true, reason: failure.reason, message });
      ctx.removeCondition(RECONCILING);
      const ready = { type: READY, status: false, reason: failure.reason, message };
      await this.writeStatus(object, ctx, object.metadata?.generation, ready);
      await ctx.event("Warning", failure.reason, message);
      this.failures.delete(key);
      return "permanent_error";
    }
    const temporary = failure instanceof TemporaryError;
    const reason = temporary ? failure.reason : "ReconcileError";
    const delay = temporary ? failure.delayMs : this.nextBackoff(key);
    log.warn("reconcile failed; will retry", { reason, error: message, retryInMs: delay });
    await this.writeStatus(object, ctx, observed, { type: READY, status: false, reason, message });
    await ctx.event("Warning", reason, message);
    this.queue.addAfter(key, delay);
    return temporary ? "temporary_error" : "error";
  }

  private async runFinalize(object: T, key: string, log: Logger, finalizer: string): Promise<string> {
    const ctx = this.context(object, log);
    try {
      const outcome = this.options.finalize ? await this.options.finalize(ctx) : undefined;
      if (outcome?.kind === "requeue") {
        await this.writeFinalizingStatus(object, ctx);
        this.queue.addAfter(key, outcome.afterMs);
        return "requeue";
      }
      await removeFinalizer(this.runtime.api, this.options.resource, object, finalizer);
      this.failures.delete(key);
      return "done";
    } catch (error) {
      if (isNotFound(error)) return "done";
      const reason =
        error instanceof TemporaryError || error instanceof PermanentError ? error.reason : "FinalizeError";
      const delay = error instanceof TemporaryError ? error.delayMs : this.nextBackoff(key);
      log.warn("finalize failed; will retry", { reason, error: errorMessage(error), retryInMs: delay });
      ctx.setCondition({ type: FINALIZING, status: true, reason, message: errorMessage(error) });
      await this.writeFinalizingStatus(object, ctx);
      await ctx.event("Warning", reason, errorMessage(error));
      this.queue.addAfter(key, delay);
      return "error";
    }
  }

  /** A waiting or failing finalize shows in status: Ready=False with the Finalizing condition's reason. */
  private async writeFinalizingStatus(object: T, ctx: ReconcileContext<T>): Promise<void> {
    const finalizing = findCondition(ctx.conditions, FINALIZING);
    const ready: ConditionInput = {
      type: READY,
      status: false,
      reason: finalizing?.reason ?? "Finalizing",
      message: finalizing?.message ?? "waiting for the finalizer to finish",
    };
    const observed = (object as WithStatus).status?.observedGeneration as number | undefined;
    try {
      await this.writeStatus(object, ctx, observed, ready);
    } catch (error) {
      // A status write refused during deletion (e.g. the namespace is terminating) must not block it.
      ctx.log.debug("could not write status while finalizing", { error: errorMessage(error) });
    }
  }

  private schedule(key: string, outcome: Outcome | undefined): string {
    if (outcome?.kind === "requeue") {
      this.queue.addAfter(key, outcome.afterMs);
      return "requeue";
    }
    if (this.options.resyncSeconds) this.queue.addAfter(key, this.options.resyncSeconds * 1000);
    return "done";
  }

  private nextBackoff(key: string): number {
    const attempt = this.failures.get(key) ?? 0;
    this.failures.set(key, attempt + 1);
    return backoffDelay(attempt, this.options.retry?.baseMs ?? 1000, this.options.retry?.capMs ?? 300_000);
  }

  private async writeStatus(
    object: T,
    ctx: ReconcileContext<T>,
    observedGeneration: number | undefined,
    readyOverride: ConditionInput | undefined,
  ): Promise<void> {
    ctx.setCondition(
      readyOverride ?? summarizeReady(ctx.conditions, resolveReadyPolicy(this.options.ready, object)),
    );
    const desired = {
      ...ctx.status,
      conditions: ctx.conditions,
      ...(observedGeneration === undefined ? {} : { observedGeneration }),
    };
    try {
      const written = await patchStatusIfChanged(
        this.runtime.api,
        this.options.resource,
        object as WithStatus,
        desired,
      );
      if (written) this.runtime.metrics.statusWrites.inc({ controller: this.options.name });
      // Later writes in this run compare against what the server now has.
      (object as WithStatus).status = desired;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private context(object: T, log: Logger): ReconcileContext<T> {
    return new ReconcileContext<T>(
      object,
      log,
      this.cache,
      this.childWriter(object),
      this.runtime.api,
      (type, reason, message) => this.runtime.events.record(object, type, reason, message),
    );
  }

  private childWriter(owner: T): ChildWriter {
    const { api, fieldManager } = this.runtime;
    const resolve = (child: KubernetesObject): ResourceType =>
      resourceFor(child, this.runtime.knownResources());
    return {
      apply: async <C extends KubernetesObject>(child: C): Promise<C> => {
        const owned = {
          ...child,
          metadata: {
            ...child.metadata,
            namespace: child.metadata?.namespace ?? owner.metadata?.namespace,
            ownerReferences: [
              {
                apiVersion: apiVersionOf(this.options.resource),
                kind: this.options.resource.kind,
                name: owner.metadata?.name ?? "",
                uid: owner.metadata?.uid ?? "",
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
        };
        return api.apply(resolve(child), owned, fieldManager);
      },
      applyUnowned: async <C extends KubernetesObject>(object: C): Promise<C> =>
        api.apply(resolve(object), object, fieldManager),
      delete: async (resource: ResourceType, namespace: string | undefined, name: string): Promise<void> => {
        try {
          await api.delete(resource, namespace, name);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      },
    };
  }
}

/** A primary's update needs a reconcile unless only status or bookkeeping changed. */
function needsReconcile(object: KubernetesObject, previous: KubernetesObject | undefined): boolean {
  if (!previous) return true;
  const a = object.metadata ?? {};
  const b = previous.metadata ?? {};
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(a.finalizers) !== JSON.stringify(b.finalizers) ||
    JSON.stringify(a.labels) !== JSON.stringify(b.labels) ||
    JSON.stringify(a.annotations) !== JSON.stringify(b.annotations) ||
    JSON.stringify(a.ownerReferences) !== JSON.stringify(b.ownerReferences)
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
