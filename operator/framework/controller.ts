// Turns one registration into a running controller: informer events become queue keys,
// each key runs load → deletion → finalizer → reconcile → one status patch → next run.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "winston";
import { RunChildWriter } from "./children.js";
import {
  FINALIZING,
  READY,
  RECONCILING,
  STALLED,
  deriveReady,
  findCondition,
  resolveReadyPolicy,
  type Condition,
  type ConditionInput,
  type ReadyPolicySource,
  type RunFailure,
} from "./conditions.js";
import { ReconcileContext, type CacheReader } from "./context.js";
import type { IndexFunction } from "./cache-index.js";
import type { EventRecorder, EventType } from "./events.js";
import { addFinalizer, hasFinalizer, removeFinalizer } from "./finalizers.js";
import type { ChangeType, InformerRegistry } from "./informer.js";
import { isNamespaceTerminating, isNotFound, type KubeApi } from "./kube-api.js";
import type { OperatorMetrics } from "./metrics.js";
import { PermanentError, TemporaryError, backoffDelay, type Outcome } from "./outcome.js";
import { conditionsWithReason, transitionEvents, type ReasonTable } from "./reasons.js";
import { objectKey, splitKey, type ResourceType } from "./resource.js";
import { patchStatusIfChanged, type Status } from "./status-patch.js";
import { WorkQueue } from "./work-queue.js";

/** Maps a change of another kind to the keys ("namespace/name") of objects to reconcile. */
export interface WatchMapping {
  resource: ResourceType;
  /** The keys to wake for a change; `change` tells what kind and what the cache held before. */
  map: (object: KubernetesObject, cache: CacheReader, change: WatchedChange) => string[];
}

export interface WatchedChange {
  type: ChangeType;
  previous: KubernetesObject | undefined;
}

/** Wake-ups from outside the API server (a qBittorrent poller): keys go through the same coalescing. */
export interface ExternalEventSource {
  subscribe(wake: (key: string) => void): void;
}

export interface ControllerOptions<T extends KubernetesObject, O extends object = object> {
  name: string;
  resource: ResourceType;
  /** Added before reconcile runs; removed only after `finalize` returns done. */
  finalizer?: string;
  /** The ordered steps; a failing step throws (typed errors carry the reason of the condition it sets). */
  reconcile: (ctx: ReconcileContext<T, O>) => Promise<Outcome>;
  /**
   * Computes status from what the run observed (`ctx.observed`, the cache) on every path, after
   * reconcile returned or threw, before the one status write (Flux's summarize-and-patch).
   */
  report?: (ctx: ReconcileContext<T, O>, failure: RunFailure | undefined) => void;
  finalize?: (ctx: ReconcileContext<T, O>) => Promise<Outcome>;
  /**
   * The kinds T renders with a controller owner reference: their changes enqueue the owner, and
   * `ctx.children.converge` deletes the owned ones a run no longer renders.
   */
  children?: readonly ResourceType[];
  /** Other kinds whose changes map to objects of T. */
  watches?: WatchMapping[];
  sources?: readonly ExternalEventSource[];
  /** Every condition reason the controller sets: statuses, transition Events and docs come from it. */
  reasons?: ReasonTable;
  /** Which conditions Ready summarizes; a function when they depend on the object's spec. */
  ready: ReadyPolicySource<T>;
  resyncSeconds?: number;
  concurrency?: number;
  /** Secondary indexes on the primary resource, read with `cache.byIndex(resource, name, value)`. */
  indexes?: Record<string, IndexFunction<T>>;
  /** A run of a new generation lasting longer than this (ms) shows Reconciling=True meanwhile; default 1000. */
  progressAfterMs?: number;
  /** Watch events for one object within this window (ms) coalesce into one run; default 100, 0 disables. */
  coalesceMs?: number;
  /**
   * At most one status write per object in this window (ms) when no condition's status or reason
   * changed (only messages or other status fields: progress); the latest is written when the window
   * ends. Off by default.
   */
  progressWriteIntervalMs?: number;
  /** With progressWriteIntervalMs: only message changes of these condition types count as progress. */
  progressConditionTypes?: readonly string[];
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

type WithStatus = KubernetesObject & { status?: Status };

/** What this process last wrote to an object's status: newer than a lagging cache, never older. */
interface WrittenStatus {
  uid: string | undefined;
  status: Status;
}

export class Controller<T extends KubernetesObject, O extends object = object> {
  readonly queue: WorkQueue;
  private readonly failures = new Map<string, number>();
  private readonly written = new Map<string, WrittenStatus>();
  /** When this process last wrote each object's status (for progressWriteIntervalMs). */
  private readonly lastWriteAt = new Map<string, number>();
  private readonly log: Logger;

  constructor(
    readonly options: ControllerOptions<T, O>,
    private readonly runtime: ControllerRuntime,
  ) {
    this.log = runtime.log.child({ controller: options.name });
    this.queue = new WorkQueue((key) => this.process(key), options.concurrency ?? 4);
    for (const [name, valuesOf] of Object.entries(options.indexes ?? {})) {
      this.runtime.informers.for<T>(options.resource).addIndex(name, valuesOf);
    }
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
    byIndex: <C extends KubernetesObject>(resource: ResourceType, index: string, value: string) =>
      this.runtime.informers.for<C>(resource).byIndex(index, value),
  };

  /** Enqueues from watch events, coalescing bursts (at most 10 windows of delay). */
  private enqueueFromEvent(key: string): void {
    const window = this.options.coalesceMs ?? 100;
    this.queue.addDebounced(key, window, window * 10);
  }

  /** Another replica may write status while this one does not lead: forget what this one wrote. */
  forgetWrittenStatus(): void {
    this.written.clear();
  }

  private subscribe(): void {
    this.primary.subscribe((type, object, previous) => {
      if (type === "DELETED") {
        this.failures.delete(objectKey(object));
        this.written.delete(objectKey(object));
        this.lastWriteAt.delete(objectKey(object));
        return;
      }
      if (type === "ADDED" || needsReconcile(object, previous, this.options.finalizer)) {
        this.enqueueFromEvent(objectKey(object));
      }
    });
    const group = this.options.resource.group;
    for (const resource of this.options.children ?? []) {
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
      this.runtime.informers.for(watch.resource).subscribe((type: ChangeType, object, previous) => {
        for (const key of watch.map(object, this.cache, { type, previous })) this.enqueueFromEvent(key);
      });
    }
    for (const source of this.options.sources ?? []) source.subscribe((key) => this.enqueueFromEvent(key));
  }

  /** The cached object, with the status this process wrote last when the cache has not caught up. */
  private load(key: string): T | undefined {
    const { namespace, name } = splitKey(key);
    const cached = this.primary.get(namespace, name) as T | undefined;
    if (!cached) return undefined;
    const object = structuredClone(cached) as T & WithStatus;
    const written = this.written.get(key);
    if (written && written.uid === object.metadata?.uid) object.status = structuredClone(written.status);
    return object;
  }

  private async process(key: string): Promise<void> {
    const object = this.load(key);
    if (!object) return;
    const log = this.log.child({ object: key });
    const started = process.hrtime.bigint();
    let result = "done";
    try {
      result = await this.run(object, key, log);
    } catch (error) {
      // Only framework bookkeeping (status patch, finalizer patch) can land here.
      result = "error";
      const delay = this.nextBackoff(key);
      log.error("reconcile bookkeeping failed", { error: errorMessage(error), retryInMs: delay });
      this.queue.addAfter(key, delay);
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // What `kubectl logs` shows at MEDIAPLANE_LOG_LEVEL=debug: every reconcile and how it ended.
      log.debug("reconciled", { result, ms: Math.round(seconds * 1000) });
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
      const status = (object as WithStatus).status;
      object = await addFinalizer(this.runtime.api, this.options.resource, object, finalizer);
      (object as WithStatus).status = status;
    }
    const ctx = this.context(object, log);
    const generation = object.metadata?.generation;
    const observed = (object as WithStatus).status?.observedGeneration as number | undefined;
    const stopProgress = this.showProgressIfSlow(object, ctx, log, generation, observed);
    let outcome: Outcome | undefined;
    let failure: unknown;
    try {
      outcome = await this.options.reconcile(ctx);
    } catch (error) {
      failure = error;
    } finally {
      await stopProgress();
    }
    ctx.removeCondition(RECONCILING);
    if (failure === undefined) {
      this.failures.delete(key);
      ctx.removeCondition(STALLED);
      this.options.report?.(ctx, undefined);
      await this.writeStatus(object, ctx, generation);
      return this.schedule(key, outcome);
    }
    return this.handleFailure(object, ctx, key, log, failure, observed);
  }

  /**
   * A run of a new generation that lasts longer than progressAfterMs shows Reconciling=True while it
   * runs; a quick one writes status once. Returns the function that stops the timer and awaits its write.
   */
  private showProgressIfSlow(
    object: T,
    ctx: ReconcileContext<T, O>,
    log: Logger,
    generation: number | undefined,
    observed: number | undefined,
  ): () => Promise<void> {
    if (generation === undefined || observed === generation) return () => Promise.resolve();
    const reconciling: ConditionInput = {
      type: RECONCILING,
      status: true,
      reason: "Progressing",
      message: `reconciling generation ${generation}`,
    };
    let write: Promise<void> | undefined;
    const timer = setTimeout(() => {
      const snapshot = this.context(object, log);
      snapshot.setCondition(reconciling);
      write = this.writeStatus(object, snapshot, observed, undefined, false).catch((error: unknown) => {
        log.debug("could not write the Reconciling status", { error: errorMessage(error) });
      });
    }, this.options.progressAfterMs ?? 1000);
    return async () => {
      clearTimeout(timer);
      await write;
    };
  }

  private async handleFailure(
    object: T,
    ctx: ReconcileContext<T, O>,
    key: string,
    log: Logger,
    error: unknown,
    observed: number | undefined,
  ): Promise<string> {
    const message = errorMessage(error);
    if (isNamespaceTerminating(error)) {
      // The namespace's deletion takes this object with it; retrying would only fail again.
      log.debug("namespace is terminating; not retrying", { error: message });
      await this.writeStatus(object, ctx, observed, { reason: "NamespaceTerminating", message }).catch(
        () => undefined,
      );
      return "done";
    }
    const permanent = error instanceof PermanentError;
    const failure: RunFailure = {
      reason:
        error instanceof TemporaryError || error instanceof PermanentError ? error.reason : "ReconcileError",
      message,
    };
    this.options.report?.(ctx, failure);
    this.setFailedCondition(ctx, error, failure);
    if (permanent) {
      // Only a spec change can fix it: no retry until then.
      log.warn("reconcile failed permanently", { reason: failure.reason, error: message });
      ctx.setCondition({ type: STALLED, status: true, reason: failure.reason, message: failure.message });
      await this.writeStatus(object, ctx, object.metadata?.generation, failure);
      this.failures.delete(key);
      return "permanent_error";
    }
    const delay = error instanceof TemporaryError ? error.delayMs : this.nextBackoff(key);
    log.warn("reconcile failed; will retry", { reason: failure.reason, error: message, retryInMs: delay });
    await this.writeStatus(object, ctx, observed, failure);
    this.queue.addAfter(key, delay);
    return error instanceof TemporaryError ? "temporary_error" : "error";
  }

  /** A failure whose reason belongs to a condition of the table sets that condition (the step's own). */
  private setFailedCondition(ctx: ReconcileContext<T, O>, error: unknown, failure: RunFailure): void {
    const named =
      error instanceof TemporaryError || error instanceof PermanentError ? error.condition : undefined;
    const reasons = this.options.reasons ?? {};
    const [type] = named ? [named] : conditionsWithReason(reasons, failure.reason);
    const entry = type === undefined ? undefined : reasons[type]?.[failure.reason];
    if (type === undefined || entry === undefined) return;
    ctx.setCondition({ type, status: entry.status, reason: failure.reason, message: failure.message });
  }

  private async runFinalize(object: T, key: string, log: Logger, finalizer: string): Promise<string> {
    const ctx = this.context(object, log);
    const observed = (object as WithStatus).status?.observedGeneration as number | undefined;
    try {
      const outcome = this.options.finalize ? await this.options.finalize(ctx) : undefined;
      if (outcome?.kind === "requeue") {
        if (!findCondition(ctx.conditions, FINALIZING)) {
          ctx.setCondition({
            type: FINALIZING,
            status: true,
            reason: "Finalizing",
            message: "waiting for the finalizer to finish",
          });
        }
        await this.writeStatusWhileDeleting(object, ctx, observed, log);
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
      await this.writeStatusWhileDeleting(object, ctx, observed, log, "Warning");
      this.queue.addAfter(key, delay);
      return "error";
    }
  }

  /** A status write refused during deletion (e.g. the namespace is terminating) must not block it. */
  private async writeStatusWhileDeleting(
    object: T,
    ctx: ReconcileContext<T, O>,
    observed: number | undefined,
    log: Logger,
    finalizingEvent: EventType = "Normal",
  ): Promise<void> {
    try {
      await this.writeStatus(object, ctx, observed, undefined, true, finalizingEvent);
    } catch (error) {
      log.debug("could not write status while finalizing", { error: errorMessage(error) });
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

  /**
   * The one status write of a run: Ready derived by the one rule, the patch sent only when something
   * changed, then one Event per condition transition (`announce` false for the interim Reconciling write).
   */
  private async writeStatus(
    object: T,
    ctx: ReconcileContext<T, O>,
    observedGeneration: number | undefined,
    failure?: RunFailure,
    announce = true,
    finalizingEvent: EventType = "Normal",
  ): Promise<void> {
    const before = (((object as WithStatus).status?.conditions as Condition[] | undefined) ?? []).slice();
    ctx.setCondition(deriveReady(ctx.conditions, resolveReadyPolicy(this.options.ready, object), failure));
    const desired = {
      ...ctx.status,
      conditions: ctx.conditions,
      ...(observedGeneration === undefined ? {} : { observedGeneration }),
    };
    const key = objectKey(object);
    const holdFor = this.progressHold(key, (object as WithStatus).status, desired, announce);
    if (holdFor > 0) {
      // Progress only: written with whatever is newest once the window ends.
      this.queue.addAfter(key, holdFor);
      return;
    }
    try {
      const written = await patchStatusIfChanged(
        this.runtime.api,
        this.options.resource,
        object as WithStatus,
        desired,
      );
      if (written) {
        this.runtime.metrics.statusWrites.inc({ controller: this.options.name });
        this.lastWriteAt.set(key, Date.now());
      }
      // Later writes and runs compare against what the server now has, even before the cache sees it.
      (object as WithStatus).status = structuredClone(desired);
      this.written.set(key, { uid: object.metadata?.uid, status: structuredClone(desired) });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return;
    }
    if (announce) await this.announceTransitions(object, before, ctx.conditions, failure, finalizingEvent);
  }

  /** How long a progress-only write waits (ms), 0 when it is written now (see progressWriteIntervalMs). */
  private progressHold(key: string, current: Status | undefined, desired: Status, announce: boolean): number {
    const interval = this.options.progressWriteIntervalMs;
    if (interval === undefined || !announce) return 0;
    if (!isProgressOnly(current, desired, this.options.progressConditionTypes)) return 0;
    return Math.max(0, (this.lastWriteAt.get(key) ?? 0) + interval - Date.now());
  }

  /**
   * Events for what changed: the table's announced reasons, and what the framework itself owns — a
   * failure the table does not announce, a Finalizing wait — once per change of status or reason.
   */
  private async announceTransitions(
    object: T,
    before: readonly Condition[],
    after: readonly Condition[],
    failure: RunFailure | undefined,
    finalizingEvent: EventType,
  ): Promise<void> {
    const reasons = this.options.reasons ?? {};
    const events = transitionEvents(reasons, before, after);
    const changed = (type: string): Condition | undefined => {
      const now = findCondition(after, type);
      const then = findCondition(before, type);
      return now && (now.status !== then?.status || now.reason !== then.reason) ? now : undefined;
    };
    const announced = (reason: string): boolean =>
      conditionsWithReason(reasons, reason).some((type) => reasons[type]?.[reason]?.event !== undefined);
    const ready = changed(READY);
    if (failure && ready && !announced(failure.reason)) {
      events.push({ type: "Warning", reason: failure.reason, message: failure.message });
    }
    const finalizing = changed(FINALIZING);
    if (finalizing && !announced(finalizing.reason)) {
      events.push({ type: finalizingEvent, reason: finalizing.reason, message: finalizing.message });
    }
    for (const event of events) {
      await this.runtime.events.record(object, event.type, event.reason, event.message);
    }
  }

  private context(object: T, log: Logger): ReconcileContext<T, O> {
    const children = new RunChildWriter(object, {
      api: this.runtime.api,
      cache: this.cache,
      fieldManager: this.runtime.fieldManager,
      ownerResource: this.options.resource,
      childKinds: this.options.children ?? [],
      knownResources: this.runtime.knownResources,
      announcePruned: (message) => this.runtime.events.record(object, "Normal", "Pruned", message),
    });
    return new ReconcileContext<T, O>(
      object,
      log,
      this.cache,
      children,
      this.runtime.api,
      (type, reason, message) => this.runtime.events.record(object, type, reason, message),
    );
  }
}

/**
 * A primary's update needs a reconcile unless only status or bookkeeping changed. A finalizer change
 * counts only when ours went missing (someone removed it): our own add must not cost another run.
 */
function needsReconcile(
  object: KubernetesObject,
  previous: KubernetesObject | undefined,
  finalizer: string | undefined,
): boolean {
  if (!previous) return true;
  const a = object.metadata ?? {};
  const b = previous.metadata ?? {};
  const ourFinalizerRemoved =
    finalizer !== undefined && hasFinalizer(previous, finalizer) && !hasFinalizer(object, finalizer);
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    ourFinalizerRemoved ||
    JSON.stringify(a.labels) !== JSON.stringify(b.labels) ||
    JSON.stringify(a.annotations) !== JSON.stringify(b.annotations) ||
    JSON.stringify(a.ownerReferences) !== JSON.stringify(b.ownerReferences)
  );
}

/**
 * The same conditions with the same status and reason, at the same observedGeneration: what differs
 * is messages (of `progressTypes`, when given) or other status fields, the run's progress rather than
 * a new state.
 */
function isProgressOnly(
  current: Status | undefined,
  desired: Status,
  progressTypes: readonly string[] | undefined,
): boolean {
  if (current === undefined || current.observedGeneration !== desired.observedGeneration) return false;
  const before = (current.conditions as Condition[] | undefined) ?? [];
  const after = (desired.conditions as Condition[] | undefined) ?? [];
  if (before.length !== after.length) return false;
  return after.every((condition) => {
    const then = findCondition(before, condition.type);
    if (then === undefined || then.status !== condition.status || then.reason !== condition.reason)
      return false;
    // A message that explains a wait (which Service, which share) is news, unless its type is progress.
    return (
      then.message === condition.message ||
      progressTypes === undefined ||
      progressTypes.includes(condition.type)
    );
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
