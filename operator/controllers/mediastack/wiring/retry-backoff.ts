// When an unfinished wiring runs again: exponential backoff per stack (base doubling up to a cap) while
// links are not in place, reset once all are, so an app that never answers costs a bounded trickle of calls.

export interface WiringRetryOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export class WiringRetryBackoff {
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: WiringRetryOptions) {}

  /** The delay before the next attempt for `uid`, or undefined once everything is wired. */
  next(uid: string, allWired: boolean): number | undefined {
    if (allWired) {
      this.failures.delete(uid);
      return undefined;
    }
    const attempt = this.failures.get(uid) ?? 0;
    this.failures.set(uid, attempt + 1);
    return Math.min(this.options.capMs, this.options.baseMs * 2 ** Math.min(attempt, 20));
  }

  forget(uid: string): void {
    this.failures.delete(uid);
  }
}
