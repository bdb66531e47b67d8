// Runs reconciles: one serialized lane per object key, keys in parallel up to a limit,
// bursts coalesced (a key added while queued or running runs at most once more), delays.

export type KeyProcessor = (key: string) => Promise<void>;

export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly debounced = new Map<string, { firstAt: number; timer: NodeJS.Timeout }>();
  private paused = true;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly processKey: KeyProcessor,
    private readonly concurrency: number,
  ) {}

  /** Work that is due: queued keys and coalescing events; delayed resyncs and retries are not counted. */
  get depth(): number {
    return this.pending.size + this.debounced.size;
  }

  add(key: string): void {
    if (this.stopped) return;
    const timer = this.delayed.get(key);
    if (timer) {
      clearTimeout(timer.timer);
      this.delayed.delete(key);
    }
    if (this.running.has(key)) this.dirty.add(key);
    else this.pending.add(key);
    this.pump();
  }

  /** Adds `key` after `ms`, keeping the earliest of several delays for one key. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  /**
   * Adds `key` once events for it have been quiet for `windowMs`, but no later than `maxWaitMs`
   * after the first: a burst of watch events becomes one run (Kopf's batching window).
   */
  addDebounced(key: string, windowMs: number, maxWaitMs: number): void {
    if (this.stopped) return;
    if (windowMs <= 0) return this.add(key);
    const now = Date.now();
    const existing = this.debounced.get(key);
    const firstAt = existing?.firstAt ?? now;
    if (existing) clearTimeout(existing.timer);
    const wait = Math.max(0, Math.min(windowMs, firstAt + maxWaitMs - now));
    const timer = setTimeout(() => {
      this.debounced.delete(key);
      this.add(key);
    }, wait);
    timer.unref();
    this.debounced.set(key, { firstAt, timer });
  }

  /** Processing runs only while resumed (leader election pauses it). */
  resume(): void {
    this.paused = false;
    this.pump();
  }

  pause(): void {
    this.paused = true;
  }

  /** Stops taking work and waits for running keys, up to `deadlineMs`. */
  async shutdown(deadlineMs: number): Promise<boolean> {
    this.stopped = true;
    this.pending.clear();
    for (const { timer } of [...this.delayed.values(), ...this.debounced.values()]) clearTimeout(timer);
    this.delayed.clear();
    this.debounced.clear();
    if (this.running.size === 0) return true;
    const drained = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), deadlineMs).unref());
    return Promise.race([drained, timeout]);
  }

  private pump(): void {
    if (this.paused || this.stopped) return;
    for (const key of this.pending) {
      if (this.running.size >= this.concurrency) return;
      if (this.running.has(key)) continue;
      this.pending.delete(key);
      this.running.add(key);
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.processKey(key);
    } finally {
      this.running.delete(key);
      if (this.dirty.delete(key) && !this.stopped) this.pending.add(key);
      if (this.running.size === 0 && this.stopped) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      this.pump();
    }
  }
}
