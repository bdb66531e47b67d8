// Decides when the client may try to log in to qBittorrent again after failed logins, so the operator
// never trips qBittorrent's IP ban. Pure bookkeeping with an injectable clock; the session consults it.

// qBittorrent (src/webui/api/authcontroller.cpp) counts failed logins per client IP, bans the IP for
// WebUI\BanDuration (3600 s) at WebUI\MaxAuthenticationFailCount (5), and forgets the count only after a
// successful login or an expired ban: failures never decay with time. So this ledger allows a short
// burst (at most 3 failures, 5 s then 10 s apart), then one more attempt after the full backoff
// (10 min) in case someone fixed qBittorrent's side, and then suspends logins (at most 4 failures, one
// below the ban) until `reset()` is called or the operator restarts. New credentials for the same URL
// share this ledger (PollerRegistry): the count qBittorrent keeps is per IP, not per username.

export interface LoginBackoffOptions {
  /** Delay after the first failure; doubles after each further failure of the burst. Default 5 s. */
  initialDelayMs?: number;
  /** The full backoff, waited once the burst is used up. Default 10 min. */
  maxDelayMs?: number;
  /** Consecutive failures allowed before waiting the full backoff: 1..3, default 3. */
  burstLimit?: number;
  /** Consecutive failures after which logins are suspended: burstLimit..4, default 4 (qBittorrent bans at 5). */
  failureLimit?: number;
  now?: () => number;
}

export type LoginAttemptDecision =
  | { allowed: true }
  | {
      allowed: false;
      reason: "QbittorrentLoginBackoff" | "QbittorrentLoginSuspended";
      /** Undefined when suspended: no attempt will be allowed until reset() or a success. */
      retryAfterMs: number | undefined;
      failures: number;
    };

const QBITTORRENT_DEFAULT_BAN_THRESHOLD = 5;

export class LoginBackoff {
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly burstLimit: number;
  private readonly failureLimit: number;
  private readonly now: () => number;
  private consecutiveFailures = 0;
  private nextAttemptAt = 0;
  private attemptInFlight = false;

  constructor(options: LoginBackoffOptions = {}) {
    this.initialDelayMs = options.initialDelayMs ?? 5_000;
    this.maxDelayMs = options.maxDelayMs ?? 600_000;
    this.burstLimit = options.burstLimit ?? 3;
    this.failureLimit = options.failureLimit ?? QBITTORRENT_DEFAULT_BAN_THRESHOLD - 1;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.burstLimit) || this.burstLimit < 1 || this.burstLimit > 3) {
      throw new RangeError("burstLimit must be an integer from 1 to 3");
    }
    if (
      !Number.isInteger(this.failureLimit) ||
      this.failureLimit < this.burstLimit ||
      this.failureLimit >= QBITTORRENT_DEFAULT_BAN_THRESHOLD
    ) {
      throw new RangeError(
        `failureLimit must be an integer from burstLimit to ${QBITTORRENT_DEFAULT_BAN_THRESHOLD - 1}`,
      );
    }
    if (this.initialDelayMs < 0 || this.maxDelayMs < this.initialDelayMs) {
      throw new RangeError("delays must satisfy 0 <= initialDelayMs <= maxDelayMs");
    }
  }

  get failures(): number {
    return this.consecutiveFailures;
  }

  /** Asks to attempt a login now; an allowed attempt must end with one of the record* calls. */
  beginAttempt(): LoginAttemptDecision {
    if (this.consecutiveFailures >= this.failureLimit) {
      return {
        allowed: false,
        reason: "QbittorrentLoginSuspended",
        retryAfterMs: undefined,
        failures: this.consecutiveFailures,
      };
    }
    const now = this.now();
    if (now < this.nextAttemptAt) {
      return {
        allowed: false,
        reason: "QbittorrentLoginBackoff",
        retryAfterMs: this.nextAttemptAt - now,
        failures: this.consecutiveFailures,
      };
    }
    if (this.attemptInFlight) {
      // Another client of the same qBittorrent is logging in; one attempt at a time keeps the count exact.
      return {
        allowed: false,
        reason: "QbittorrentLoginBackoff",
        retryAfterMs: Math.min(1_000, this.initialDelayMs),
        failures: this.consecutiveFailures,
      };
    }
    this.attemptInFlight = true;
    return { allowed: true };
  }

  recordSuccess(): void {
    this.attemptInFlight = false;
    this.consecutiveFailures = 0;
    this.nextAttemptAt = 0;
  }

  /** A refused password. Returns the wait before the next attempt, undefined once suspended. */
  recordFailure(): number | undefined {
    this.attemptInFlight = false;
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.failureLimit) {
      this.nextAttemptAt = Number.POSITIVE_INFINITY;
      return undefined;
    }
    const delay =
      this.consecutiveFailures >= this.burstLimit
        ? this.maxDelayMs
        : Math.min(this.initialDelayMs * 2 ** (this.consecutiveFailures - 1), this.maxDelayMs);
    this.nextAttemptAt = this.now() + delay;
    return delay;
  }

  /** The IP is banned (login answered 403). Attempts during a ban do not count; wait the full backoff. */
  recordBanned(): number {
    this.attemptInFlight = false;
    this.nextAttemptAt = this.now() + this.maxDelayMs;
    return this.maxDelayMs;
  }

  /** The attempt did not reach a verdict (network error, unexpected answer): no failure is counted. */
  recordInconclusive(): void {
    this.attemptInFlight = false;
  }

  /**
   * New credentials for this qBittorrent (someone fixed a Secret): they may try at once instead of
   * waiting out the backoff earned by the old ones; the failure count, and so the limit, stays.
   */
  allowNewCredentials(): void {
    if (this.consecutiveFailures < this.failureLimit) this.nextAttemptAt = 0;
  }

  /** Forget all failures, e.g. when the credentials changed. */
  reset(): void {
    this.consecutiveFailures = 0;
    this.nextAttemptAt = 0;
  }
}
