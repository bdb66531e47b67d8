// Typed failures of talking to qBittorrent, each with a `reason` a Torrent controller can put straight
// into a Kubernetes condition. Built only from safe facts (path, status, code): never a request body.

/** Reasons are CamelCase so they are valid Kubernetes condition reasons as they are. */
export type QbittorrentErrorReason =
  | "QbittorrentUnreachable"
  | "QbittorrentLoginFailed"
  | "QbittorrentBanned"
  | "QbittorrentLoginBackoff"
  | "QbittorrentLoginSuspended"
  | "QbittorrentUnauthorized"
  | "QbittorrentRejected"
  | "QbittorrentBadRequest"
  | "QbittorrentEndpointNotFound"
  | "QbittorrentConflict"
  | "QbittorrentInvalidTorrentFile"
  | "QbittorrentUnexpectedResponse";

export interface QbittorrentErrorDetails {
  /** API path relative to /api/v2, e.g. "torrents/add". Never carries credentials. */
  endpoint?: string;
  /** HTTP status, when qBittorrent answered. */
  status?: number;
}

/** What every qBittorrent failure shares; `toJSON` keeps logs and serialized errors free of secrets. */
export abstract class QbittorrentError extends Error {
  abstract readonly reason: QbittorrentErrorReason;
  readonly endpoint: string | undefined;
  readonly status: number | undefined;

  protected constructor(message: string, details: QbittorrentErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.endpoint = details.endpoint;
    this.status = details.status;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      reason: this.reason,
      message: this.message,
      endpoint: this.endpoint,
      status: this.status,
    };
  }
}

/** Connection refused, timeout, DNS failure, TLS failure or a 5xx answer. */
export class QbittorrentUnreachableError extends QbittorrentError {
  readonly reason = "QbittorrentUnreachable" as const;
  /** The Node error code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND, ...) or HTTP_5xx. */
  readonly code: string;

  constructor(message: string, code: string, details: QbittorrentErrorDetails = {}) {
    super(message, details);
    this.code = code;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code };
  }
}

export type QbittorrentUnauthorizedReason = Extract<
  QbittorrentErrorReason,
  | "QbittorrentLoginFailed"
  | "QbittorrentBanned"
  | "QbittorrentLoginBackoff"
  | "QbittorrentLoginSuspended"
  | "QbittorrentUnauthorized"
>;

/**
 * Wrong credentials, an IP ban, a login the client refuses to attempt yet (backoff), or a request
 * refused after a fresh login. `retryAfterMs` says when the next login attempt is allowed; it is
 * undefined when the client will not try again on its own (suspended).
 */
export class QbittorrentUnauthorizedError extends QbittorrentError {
  readonly reason: QbittorrentUnauthorizedReason;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    reason: QbittorrentUnauthorizedReason,
    details: QbittorrentErrorDetails & { retryAfterMs?: number } = {},
  ) {
    super(message, details);
    this.reason = reason;
    this.retryAfterMs = details.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

export type QbittorrentRejectedReason = Extract<
  QbittorrentErrorReason,
  | "QbittorrentRejected"
  | "QbittorrentBadRequest"
  | "QbittorrentEndpointNotFound"
  | "QbittorrentConflict"
  | "QbittorrentInvalidTorrentFile"
>;

/** qBittorrent understood the request and said no (`Fails.`, 400, 404, 409, 415). */
export class QbittorrentRejectedError extends QbittorrentError {
  readonly reason: QbittorrentRejectedReason;

  constructor(message: string, reason: QbittorrentRejectedReason, details: QbittorrentErrorDetails = {}) {
    super(message, details);
    this.reason = reason;
  }
}

/** An answer this client cannot interpret (unparseable JSON, unknown login reply, a redirect). */
export class QbittorrentProtocolError extends QbittorrentError {
  readonly reason = "QbittorrentUnexpectedResponse" as const;

  constructor(message: string, details: QbittorrentErrorDetails = {}) {
    super(message, details);
  }
}

/** Maps an HTTP status of a refused request to the rejection reason a condition should show. */
export function rejectionReasonForStatus(status: number): QbittorrentRejectedReason {
  switch (status) {
    case 400:
      return "QbittorrentBadRequest";
    case 404:
      return "QbittorrentEndpointNotFound";
    case 409:
      return "QbittorrentConflict";
    case 415:
      return "QbittorrentInvalidTorrentFile";
    default:
      return "QbittorrentRejected";
  }
}

/** Shortens a qBittorrent response body for an error message (bodies are short texts such as "Fails."). */
export function describeResponseBody(body: string): string {
  const oneLine = body.replace(/\s+/g, " ").trim();
  if (oneLine === "") return "(empty body)";
  return oneLine.length > 160 ? `"${oneLine.slice(0, 160)}..."` : `"${oneLine}"`;
}
