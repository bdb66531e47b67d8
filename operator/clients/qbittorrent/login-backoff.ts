// Decides when the client may try to log in to qBittorrent again after failed logins, so the operator
// never trips qBittorrent's IP ban — also across restarts and failovers, through a LoginLedgerStore.

// qBittorrent (src/webui/api/authcontroller.cpp) counts failed logins per client IP, bans the IP for
// WebUI\BanDuration (3600 s) at WebUI\MaxAuthenticationFailCount (5), and forgets the count only after a
// successful login or an expired ban: failures never decay with time. So the same credentials get a
// short burst (at most 3 failures, 5 s then 10 s apart) and are then paused; credentials that have not
// failed yet (someone fixed the Secret) get one attempt at once; and at 4 failures, one below the ban,
// every login is suspended until a success is possible again (see `resetHint`). All clients of one URL
// share this ledger (PollerRegistry): the count qBittorrent keeps is per IP, not per username.

import {
  credentialDigest,
  newLedgerSalt,
  type LoginLedgerRecord,
  type LoginLedgerStore,
} from "./login-ledger.js";

export interface LoginBackoffOptions {
  /** Delay after the first failure; doubles after each further failure of the burst. Default 5 s. */
  initialDelayMs?: number;
  /** The wait after qBittorrent answered that this IP is banned. Default 10 min. */
  maxDelayMs?: number;
  /** Consecutive failures after which the same credentials stop trying: 1..3, default 3. */
  burstLimit?: number;
  /** Consecutive failures after which every login is suspended: burstLimit..4, default 4 (qBittorrent bans at 5). */
  failureLimit?: number;
  now?: () => number;
  /** Keeps the count where a restarted or newly elected operator finds it. */
  ledger?: { store: LoginLedgerStore; url: string };
}

export type LoginAttemptDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** Suspended: no automatic attempt; `final` when even new credentials may not try. */
      reason: "QbittorrentLoginBackoff" | "QbittorrentLoginSuspended";
      /** Undefined when suspended. */
      retryAfterMs: number | undefined;
      failures: number;
      final: boolean;
    };

const QBITTORRENT_DEFAULT_BAN_THRESHOLD = 5;
/** While suspended, how often the ledger is read again for a record someone deleted by hand. */
const LEDGER_RELOAD_MS = 30_000;

export class LoginBackoff {
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly burstLimit: number;
  private readonly failureLimit: number;
  private readonly now: () => number;
  private readonly ledger: { store: LoginLedgerStore; url: string } | undefined;
  private consecutiveFailures = 0;
  private nextAttemptAt = 0;
  private bannedUntil = 0;
  private attemptInFlight = false;
  /** Credential ids (never passwords) that failed since the last success. */
  private readonly failedCredentials = new Set<string>();
  /** Digests loaded from the ledger, matched against credential ids as they show up. */
  private persistedDigests = new Set<string>();
  /** Credential ids already compared with the loaded digests and not among them (PBKDF2 is slow). */
  private readonly notPersisted = new Set<string>();
  private salt = newLedgerSalt();
  private loaded: Promise<void> | undefined;
  private loadedAt = 0;
  private everLoaded = false;
  private saving: Promise<void> = Promise.resolve();
  private saveError: Error | undefined;
  private stored = false;

  constructor(options: LoginBackoffOptions = {}) {
    this.initialDelayMs = options.initialDelayMs ?? 5_000;
    this.maxDelayMs = options.maxDelayMs ?? 600_000;
    this.burstLimit = options.burstLimit ?? 3;
    this.failureLimit = options.failureLimit ?? QBITTORRENT_DEFAULT_BAN_THRESHOLD - 1;
    this.now = options.now ?? Date.now;
    this.ledger = options.ledger;
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

  /** How to clear a final suspension by hand (which ledger entry to delete), for messages. */
  get resetHint(): string | undefined {
    return this.ledger?.store.resetHint(this.ledger.url);
  }

  /**
   * Reads the ledger before the first attempt, and again (at most every 30 s) while suspended, so a
   * person who deleted the record (see `resetHint`) is heard without a restart. A failed read is retried
   * by the next call.
   */
  async prepare(): Promise<void> {
    if (this.ledger === undefined) return;
    const suspended = this.consecutiveFailures >= this.burstLimit;
    if (this.loaded !== undefined && suspended && this.now() - this.loadedAt >= LEDGER_RELOAD_MS) {
      this.loaded = undefined;
    }
    const { store, url } = this.ledger;
    const first = !this.everLoaded;
    this.loaded ??= store.load(url).then(
      (record) => {
        this.loadedAt = this.now();
        this.everLoaded = true;
        this.adopt(record, first);
      },
      (error: unknown) => {
        this.loaded = undefined;
        throw error;
      },
    );
    await this.loaded;
  }

  /**
   * Asks to attempt a login now with the credentials `credential` identifies (a digest, never a
   * password); an allowed attempt must end with one of the record* calls.
   */
  beginAttempt(credential = ""): LoginAttemptDecision {
    const refuse = (
      reason: "QbittorrentLoginBackoff" | "QbittorrentLoginSuspended",
      retryAfterMs: number | undefined,
      final = false,
    ): LoginAttemptDecision => ({
      allowed: false,
      reason,
      retryAfterMs,
      failures: this.consecutiveFailures,
      final,
    });
    if (this.consecutiveFailures >= this.failureLimit)
      return refuse("QbittorrentLoginSuspended", undefined, true);
    const failedBefore = this.hasFailed(credential);
    if (failedBefore && this.consecutiveFailures >= this.burstLimit) {
      return refuse("QbittorrentLoginSuspended", undefined);
    }
    const now = this.now();
    if (now < this.bannedUntil) return refuse("QbittorrentLoginBackoff", this.bannedUntil - now);
    // New credentials skip the wait the old ones earned.
    if (failedBefore && now < this.nextAttemptAt) {
      return refuse("QbittorrentLoginBackoff", this.nextAttemptAt - now);
    }
    if (this.attemptInFlight) {
      // Another client of the same qBittorrent is logging in; one attempt at a time keeps the count exact.
      return refuse("QbittorrentLoginBackoff", Math.min(1_000, this.initialDelayMs));
    }
    this.attemptInFlight = true;
    return { allowed: true };
  }

  recordSuccess(): void {
    this.attemptInFlight = false;
    this.forget();
    if (this.stored) this.persist(undefined);
  }

  /** A refused login. Returns the wait before these credentials may try again, undefined once paused. */
  recordFailure(credential = ""): number | undefined {
    this.attemptInFlight = false;
    this.consecutiveFailures += 1;
    this.failedCredentials.add(credential);
    const paused = this.consecutiveFailures >= this.burstLimit;
    const delay = paused ? undefined : this.initialDelayMs * 2 ** (this.consecutiveFailures - 1);
    this.nextAttemptAt = delay === undefined ? 0 : this.now() + delay;
    this.persist(this.record());
    return delay;
  }

  /** The IP is banned (login answered 403). Attempts during a ban do not count; wait the full backoff. */
  recordBanned(): number {
    this.attemptInFlight = false;
    this.bannedUntil = this.now() + this.maxDelayMs;
    this.persist(this.record());
    return this.maxDelayMs;
  }

  /** The attempt did not reach a verdict (network error, unexpected answer): no failure is counted. */
  recordInconclusive(): void {
    this.attemptInFlight = false;
  }

  /** Resolves when every record* call so far is in the ledger; rejects with the last write's error. */
  async saved(): Promise<void> {
    await this.saving;
    const error = this.saveError;
    this.saveError = undefined;
    if (error !== undefined) throw error;
  }

  private forget(): void {
    this.consecutiveFailures = 0;
    this.nextAttemptAt = 0;
    this.bannedUntil = 0;
    this.failedCredentials.clear();
    this.persistedDigests.clear();
    this.notPersisted.clear();
  }

  private hasFailed(credential: string): boolean {
    if (this.failedCredentials.has(credential)) return true;
    if (this.persistedDigests.size === 0 || this.notPersisted.has(credential)) return false;
    if (!this.persistedDigests.has(credentialDigest(credential, this.salt))) {
      this.notPersisted.add(credential);
      return false;
    }
    this.failedCredentials.add(credential);
    return true;
  }

  /** First load: the higher count wins. Later loads: the ledger wins, so a deleted record resets. */
  private adopt(record: LoginLedgerRecord | undefined, first: boolean): void {
    if (record === undefined) {
      if (!first && this.stored) this.forget();
      this.stored = false;
      return;
    }
    this.stored = true;
    if (first && record.failures < this.consecutiveFailures) return;
    this.consecutiveFailures = record.failures;
    this.nextAttemptAt = Math.max(this.nextAttemptAt, record.retryAt);
    this.bannedUntil = Math.max(this.bannedUntil, record.bannedUntil);
    this.salt = record.salt;
    this.persistedDigests = new Set(record.failedCredentials);
    this.notPersisted.clear();
  }

  private record(): LoginLedgerRecord {
    const digests = new Set(this.persistedDigests);
    for (const credential of this.failedCredentials) digests.add(credentialDigest(credential, this.salt));
    return {
      failures: this.consecutiveFailures,
      retryAt: this.nextAttemptAt,
      bannedUntil: this.bannedUntil,
      salt: this.salt,
      failedCredentials: [...digests],
    };
  }

  private persist(record: LoginLedgerRecord | undefined): void {
    if (this.ledger === undefined) return;
    const { store, url } = this.ledger;
    this.stored = record !== undefined;
    this.saving = this.saving.then(() =>
      store.save(url, record).catch((error: unknown) => {
        this.saveError =
          error instanceof Error ? error : new Error("saving the login ledger failed", { cause: error });
      }),
    );
  }
}
