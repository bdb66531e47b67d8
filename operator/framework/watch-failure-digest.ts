// When the API server is unreachable every informer fails at once; this turns their failures into one
// log line per retry round that names the server and the cause, instead of one line per watched kind.
import type { Logger } from "winston";
import { KubeApiError } from "./kube-api.js";

/** How long the first failure of a round waits for the other informers' before the line is written. */
const gatherMs = 250;

interface CauseRound {
  resources: Set<string>;
  retryInMs: number;
  /** No new line for this cause before this time: the informers are still in the same round. */
  quietUntil: number;
  timer: NodeJS.Timeout | undefined;
}

/** A short, stable name for why a request failed: an HTTP status, a socket error code, or the message. */
export function failureCause(error: unknown): string {
  if (error instanceof KubeApiError) return `HTTP ${error.status} ${error.reason}`;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && code !== "") return code;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/https?:\/\/\S+/g, "<url>").slice(0, 200);
}

export class WatchFailureDigest {
  private readonly rounds = new Map<string, CauseRound>();

  constructor(
    private readonly log: Logger,
    private readonly server: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** One informer's list or watch failed and will be retried in `retryInMs`. */
  report(resource: string, error: unknown, retryInMs: number): void {
    const cause = failureCause(error);
    let round = this.rounds.get(cause);
    if (round === undefined) {
      round = { resources: new Set(), retryInMs, quietUntil: 0, timer: undefined };
      this.rounds.set(cause, round);
    }
    round.resources.add(resource);
    round.retryInMs = retryInMs;
    if (round.timer !== undefined) return;
    const wait = Math.max(gatherMs, round.quietUntil - this.now());
    round.timer = setTimeout(() => this.flush(cause), wait);
    round.timer.unref();
  }

  /** A watch works again: the next failure starts a new story. */
  recovered(): void {
    for (const round of this.rounds.values()) clearTimeout(round.timer);
    this.rounds.clear();
  }

  private flush(cause: string): void {
    const round = this.rounds.get(cause);
    if (round === undefined) return;
    round.timer = undefined;
    if (round.resources.size === 0) return;
    this.log.warn("cannot list or watch the API server; retrying", {
      server: this.server,
      cause,
      watches: round.resources.size,
      resources: [...round.resources].sort().join(","),
      retryInMs: round.retryInMs,
    });
    round.resources.clear();
    round.quietUntil = this.now() + round.retryInMs;
  }
}
