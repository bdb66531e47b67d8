// What a qBittorrent session reports about each HTTP exchange, so main.ts can count requests and failures
// per instance without the client depending on a metrics library. The URL carries no credentials.

/** How one request ended, from the operator's side. */
export type QbittorrentRequestResult = "ok" | "rejected" | "unauthorized" | "server_error" | "unreachable";

export interface QbittorrentRequestOutcome {
  /** The WebUI URL without user:password@ (QbittorrentSession.displayUrl). */
  url: string;
  /** Relative to /api/v2/, e.g. "sync/maindata". */
  endpoint: string;
  result: QbittorrentRequestResult;
  seconds: number;
}

export interface QbittorrentRequestObserver {
  requestFinished(outcome: QbittorrentRequestOutcome): void;
  /** The client for `url` was closed (its poller retired): forget what is kept per instance. */
  clientClosed(url: string): void;
}

/** The result an HTTP status maps to; transport failures are "unreachable" and never reach here. */
export function requestResultForStatus(status: number): QbittorrentRequestResult {
  if (status === 401 || status === 403) return "unauthorized";
  if (status >= 500) return "server_error";
  if (status >= 400) return "rejected";
  return "ok";
}
