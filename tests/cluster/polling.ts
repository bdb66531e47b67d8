// Polls a probe until it yields a value, for the launcher's readiness checks and for integration
// tests; on timeout it says what it waited for and what it last saw. Talks to nothing itself.
import { setTimeout as sleep } from "node:timers/promises";

export interface WaitOptions {
  /** Finishes the timeout message: "timed out after 5000ms waiting for <what>". */
  readonly what: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Checked before every attempt; a returned string fails the wait at once with that reason. */
  readonly abortIf?: () => string | undefined;
}

/** A value the probe is not done with yet. */
type NotYet = undefined | null | false;

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Calls `probe` until it returns something other than undefined/null/false and returns that. A
 * probe that throws is retried; its last error ends up in the timeout message.
 */
export async function waitFor<T>(
  probe: () => Promise<T | NotYet> | T | NotYet,
  options: WaitOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const abortReason = options.abortIf?.();
    if (abortReason !== undefined) throw new Error(`${abortReason} (while waiting for ${options.what})`);
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${options.what} (last: ${describe(last)})`);
    }
    await sleep(intervalMs);
  }
}
