// One shared list+watch cache per resource type: lists with resourceVersion, watches with
// bookmarks, relists after 410 Gone, and restarts with backoff after any other error.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "winston";
import { CacheIndex, type IndexFunction } from "./cache-index.js";
import { KubeApiError, type KubeApi, type WatchEvent } from "./kube-api.js";
import { backoffDelay } from "./outcome.js";
import { WatchFailureDigest } from "./watch-failure-digest.js";
import { apiVersionOf, objectKey, type ResourceType } from "./resource.js";

/** A watch that ends sooner than this without an error counts as a failure for backoff. */
const shortWatchMs = 1000;

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";
export type ChangeHandler<T> = (type: ChangeType, object: T, previous: T | undefined) => void;

export interface InformerOptions {
  watchTimeoutSeconds?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  onRestart?: (reason: string) => void;
  /** Told about each failed list or watch instead of logging it (the registry merges them per round). */
  onFailure?: (resource: string, error: unknown, retryInMs: number) => void;
  /** Told when a watch ran long enough to count as healthy again. */
  onRecovered?: () => void;
}

export class Informer<T extends KubernetesObject = KubernetesObject> {
  private readonly store = new Map<string, T>();
  private readonly indexes = new Map<string, CacheIndex<T>>();
  private readonly handlers = new Set<ChangeHandler<T>>();
  private resourceVersion = "";
  private synced = false;
  private served = true;
  private readonly syncWaiters: Array<() => void> = [];
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly api: KubeApi,
    readonly resource: ResourceType,
    private readonly log: Logger,
    private readonly options: InformerOptions = {},
  ) {}

  get hasSynced(): boolean {
    return this.synced;
  }

  /** False while the API server does not serve this resource (an optional CRD not installed). */
  get isServed(): boolean {
    return this.served;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    const all = [...this.store.values()];
    return namespace === undefined ? all : all.filter((object) => object.metadata?.namespace === namespace);
  }

  /**
   * Registers a secondary index (once per name; a second controller asking for the same name must
   * pass the same function) and files what the store already holds.
   */
  addIndex(name: string, valuesOf: IndexFunction<T>): void {
    const existing = this.indexes.get(name);
    if (existing) {
      if (existing.valuesOf !== valuesOf) {
        throw new Error(`index "${name}" on ${this.resource.plural} is already defined differently`);
      }
      return;
    }
    const index = new CacheIndex(valuesOf);
    for (const [key, object] of this.store) index.update(key, object);
    this.indexes.set(name, index);
  }

  /** The cached objects filed under `value` in the index `name` (which must have been added). */
  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`no index "${name}" on ${this.resource.plural}`);
    return index.keys(value).flatMap((key) => this.store.get(key) ?? []);
  }

  subscribe(handler: ChangeHandler<T>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  start(): void {
    this.running ??= this.loop();
  }

  async waitForSync(): Promise<void> {
    if (this.synced) return;
    await new Promise<void>((resolve) => this.syncWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    let needsList = true;
    while (!this.abort.signal.aborted) {
      try {
        if (needsList) {
          await this.relist();
          needsList = false;
        }
        const watchStarted = Date.now();
        await this.watchOnce();
        if (Date.now() - watchStarted >= shortWatchMs) {
          if (failures > 0) this.options.onRecovered?.();
          failures = 0;
        } else {
          // A server that ends watches at once is not healthy: back off as after an error.
          const delay = backoffDelay(
            failures++,
            this.options.backoffBaseMs ?? 500,
            this.options.backoffCapMs ?? 30_000,
          );
          this.options.onRestart?.("ClosedEarly");
          await sleep(delay, this.abort.signal);
        }
      } catch (error) {
        if (this.abort.signal.aborted) break;
        if (error instanceof KubeApiError && error.status === 404 && needsList) {
          // An optional CRD (e.g. Percona's) is absent: serve an empty cache and look again later.
          if (this.served)
            this.log.info("resource not served; will check again", { resource: this.resource.plural });
          this.served = false;
          this.markSynced();
          await sleep(this.options.backoffCapMs ?? 30_000, this.abort.signal);
          continue;
        }
        const gone = error instanceof KubeApiError && error.status === 410;
        needsList ||= gone || this.resourceVersion === "";
        const reason = gone ? "Gone" : error instanceof KubeApiError ? error.reason : "Error";
        this.options.onRestart?.(reason);
        if (gone) continue;
        const delay = backoffDelay(
          failures++,
          this.options.backoffBaseMs ?? 500,
          this.options.backoffCapMs ?? 30_000,
        );
        if (this.options.onFailure) {
          this.options.onFailure(this.resource.plural, error, delay);
        } else {
          this.log.warn("watch failed; restarting", {
            resource: this.resource.plural,
            error: error instanceof Error ? error.message : String(error),
            retryInMs: delay,
          });
        }
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.api.list<T>(this.resource);
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      this.upsert(item);
    }
    for (const [key, object] of this.store) {
      if (!seen.has(key)) {
        this.forget(key);
        this.emit("DELETED", object, object);
      }
    }
    this.resourceVersion = resourceVersion;
    this.served = true;
    this.markSynced();
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    this.syncWaiters.splice(0).forEach((resolve) => resolve());
  }

  private async watchOnce(): Promise<void> {
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 240 + Math.floor(Math.random() * 60);
    await this.api.watch<T>(
      this.resource,
      undefined,
      { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
      (event) => this.handle(event),
      { signal: this.abort.signal, idleTimeoutMs: (timeoutSeconds + 30) * 1000 },
    );
  }

  private handle(event: WatchEvent<T>): void {
    if (event.type === "ERROR") {
      const status = event.object as unknown as { code?: number; reason?: string; message?: string };
      throw new KubeApiError(
        status.code ?? 500,
        status.reason ?? "WatchError",
        status.message ?? "watch error",
      );
    }
    const object = { ...event.object, apiVersion: apiVersionOf(this.resource), kind: this.resource.kind };
    this.resourceVersion = object.metadata?.resourceVersion ?? this.resourceVersion;
    if (event.type === "BOOKMARK") return;
    if (event.type === "DELETED") {
      const key = objectKey(object);
      const previous = this.store.get(key);
      this.forget(key);
      this.emit("DELETED", object, previous);
      return;
    }
    this.upsert(object);
  }

  private upsert(object: T): void {
    const key = objectKey(object);
    const previous = this.store.get(key);
    if (previous?.metadata?.resourceVersion === object.metadata?.resourceVersion) return;
    this.store.set(key, object);
    for (const index of this.indexes.values()) index.update(key, object);
    this.emit(previous ? "MODIFIED" : "ADDED", object, previous);
  }

  private forget(key: string): void {
    this.store.delete(key);
    for (const index of this.indexes.values()) index.remove(key);
  }

  private emit(type: ChangeType, object: T, previous: T | undefined): void {
    for (const handler of this.handlers) {
      try {
        handler(type, object, previous);
      } catch (error) {
        this.log.error("informer handler failed", { resource: this.resource.plural, error: String(error) });
      }
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Shares one informer per resource type among every controller that watches it. */
export class InformerRegistry {
  private readonly informers = new Map<string, Informer>();
  private readonly failures: WatchFailureDigest;

  constructor(
    private readonly api: KubeApi,
    private readonly log: Logger,
    private readonly options: (resource: ResourceType) => InformerOptions = () => ({}),
  ) {
    this.failures = new WatchFailureDigest(log, api.serverUrl);
  }

  for<T extends KubernetesObject>(resource: ResourceType): Informer<T> {
    const id = `${apiVersionOf(resource)}/${resource.plural}`;
    let informer = this.informers.get(id);
    if (!informer) {
      informer = new Informer(this.api, resource, this.log, {
        onFailure: (plural, error, retryInMs) => this.failures.report(plural, error, retryInMs),
        onRecovered: () => this.failures.recovered(),
        ...this.options(resource),
      });
      this.informers.set(id, informer);
    }
    return informer as unknown as Informer<T>;
  }

  get all(): Informer[] {
    return [...this.informers.values()];
  }

  startAll(): void {
    for (const informer of this.informers.values()) informer.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.all.map((informer) => informer.waitForSync()));
  }

  get synced(): boolean {
    return this.all.every((informer) => informer.hasSynced);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.map((informer) => informer.stop()));
  }
}
