// What a reconcile returns or throws; the framework alone turns these into retries, so
// controllers never schedule themselves (after Kopf's Outcome and its error classes).

export type Outcome = { readonly kind: "done" } | { readonly kind: "requeue"; readonly afterMs: number };

export const done: Outcome = Object.freeze({ kind: "done" });

export function requeueAfter(afterMs: number): Outcome {
  return Object.freeze({ kind: "requeue", afterMs: Math.max(0, afterMs) });
}

/**
 * A failure expected to pass: retried after `delayMs`, shown as Ready=False with `reason`. When the
 * controller's reason table has `reason` (under `condition`, or its only condition) that condition is set too.
 */
export class TemporaryError extends Error {
  override readonly name = "TemporaryError";
  constructor(
    readonly reason: string,
    message: string,
    readonly delayMs = 10_000,
    readonly condition?: string,
  ) {
    super(message);
  }
}

/** A failure only a spec change can fix: Ready=False, Stalled=True, a Warning Event, no retry. */
export class PermanentError extends Error {
  override readonly name = "PermanentError";
  constructor(
    readonly reason: string,
    message: string,
    readonly condition?: string,
  ) {
    super(message);
  }
}

/** Exponential backoff with full jitter: attempt 0 → up to `baseMs`, capped at `capMs`. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
