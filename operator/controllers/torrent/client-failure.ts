// Turns a qBittorrent failure into the Torrent's condition reason (ClientUnavailable or
// AuthenticationFailed) with a message that keeps the client's precise reason, and a backoff delay.
import { QbittorrentUnauthorizedError, type QbittorrentError } from "../../clients/qbittorrent/errors.js";

export type ClientFailureReason = "ClientUnavailable" | "AuthenticationFailed";

export interface ClientFailure {
  reason: ClientFailureReason;
  message: string;
  /** When to look again: the login backoff's own time for a held-back login, else doubling; capped. */
  retryAfterMs: number;
}

const baseDelayMs = 5_000;
const maxDelayMs = 60_000;

/**
 * `where` names the qBittorrent (URL and source, never credentials); the client's messages carry
 * no passwords, keys or cookies, so the result is safe for conditions, Events and logs.
 */
export function describeClientFailure(
  error: QbittorrentError | undefined,
  where: string,
  consecutiveFailures = 1,
): ClientFailure {
  const authentication = error instanceof QbittorrentUnauthorizedError;
  const detail = error ? `${error.reason}: ${error.message}` : "not reachable yet";
  const doubling = baseDelayMs * 2 ** Math.max(0, Math.min(consecutiveFailures - 1, 10));
  // A login the backoff holds back says when it may try again: that is the wait (the poll failures counted
  // meanwhile are not login attempts). Without a time (suspended) the Torrent looks again at the cap.
  const loginWait = authentication ? (error.retryAfterMs ?? maxDelayMs) : undefined;
  return {
    reason: authentication ? "AuthenticationFailed" : "ClientUnavailable",
    message: `${where}: ${detail}`,
    retryAfterMs: Math.min(maxDelayMs, loginWait ?? doubling),
  };
}
