// Carries every HTTP exchange with one qBittorrent WebUI: login (cookie or 5.2 API key), one re-login on
// 403, login backoff, typed transport errors. The client builds on it; nothing else calls qBittorrent.

import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { HttpTransportError, httpRequest } from "../../framework/http-request.js";
import {
  QbittorrentProtocolError,
  QbittorrentUnauthorizedError,
  QbittorrentUnreachableError,
  describeResponseBody,
} from "./errors.js";
import { LoginBackoff, type LoginAttemptDecision } from "./login-backoff.js";
import { interpretLoginAnswer } from "./login-answer.js";
import { silentQbittorrentLogger } from "./logger.js";
import type { QbittorrentLogger } from "./logger.js";
import { encodeMultipart, type MultipartPart } from "./multipart-body.js";
import { requestResultForStatus } from "./request-observer.js";
import type { QbittorrentRequestObserver, QbittorrentRequestResult } from "./request-observer.js";
import { SessionCookies } from "./session-cookies.js";

export interface QbittorrentSessionOptions {
  /** WebUI base URL, e.g. http://qbittorrent:8080 (a path prefix behind a reverse proxy is kept). */
  url: string;
  username?: string;
  password?: string;
  /** qBittorrent 5.2+ `WebUI\APIKey`: sent as `Authorization: Bearer`, no login. */
  apiKey?: string;
  timeoutMs: number;
  logger?: QbittorrentLogger;
  /** Share one ledger between the clients of one qBittorrent: its ban counts per client IP. */
  loginBackoff?: LoginBackoff;
  /** Told how every HTTP exchange ended (the operator's qBittorrent metrics). */
  observer?: QbittorrentRequestObserver;
}

export interface ApiRequest {
  method: "GET" | "POST";
  /** Relative to /api/v2/, e.g. "torrents/info". */
  endpoint: string;
  query?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as multipart/form-data. */
  multipart?: readonly MultipartPart[];
}

export interface ApiAnswer {
  status: number;
  body: string;
}

type AuthMode = "cookie" | "apiKey" | "none";

export class QbittorrentSession {
  /** The URL without any user:password@ part, safe for messages and logs. */
  readonly displayUrl: string;
  /** `<WebUI URL>/api/v2/`: endpoints resolve against it. */
  private readonly apiBase: URL;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly logger: QbittorrentLogger;
  private readonly loginBackoff: LoginBackoff;
  private readonly authMode: AuthMode;
  private readonly timeoutMs: number;
  private readonly observer: QbittorrentRequestObserver | undefined;
  // ECMAScript private fields: JSON.stringify and util.inspect of a session never show them.
  readonly #cookies = new SessionCookies();
  readonly #credentials: { username: string; password: string; apiKey: string | undefined };
  /** Names these credentials in the shared login ledger without holding the password. */
  readonly #credentialId: string;
  private loggedIn = false;
  private loginInFlight: Promise<void> | undefined;
  private loginGeneration = 0;

  constructor(options: QbittorrentSessionOptions) {
    const base = parseWebuiUrl(options.url);
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.displayUrl = base.toString().replace(/\/$/, "");
    this.logger = options.logger ?? silentQbittorrentLogger;
    this.loginBackoff = options.loginBackoff ?? new LoginBackoff();
    this.timeoutMs = options.timeoutMs;
    this.observer = options.observer;
    this.#credentials = {
      username: options.username ?? "",
      password: options.password ?? "",
      apiKey: options.apiKey,
    };
    this.#credentialId = createHash("sha256")
      .update(`${this.#credentials.username}\n${this.#credentials.password}`)
      .digest("hex");
    this.authMode =
      options.apiKey !== undefined && options.apiKey !== ""
        ? "apiKey"
        : options.username !== undefined || options.password !== undefined
          ? "cookie"
          : "none";

    this.apiBase = new URL("api/v2/", base);
  }

  /** Increases with every successful login: state cached per login (the Web API version) keys on it. */
  get generation(): number {
    return this.loginGeneration;
  }

  /** Sends a request with a valid session; a 403 triggers one fresh login and one retry. */
  async send(request: ApiRequest): Promise<ApiAnswer> {
    if (this.authMode === "cookie") await this.ensureLoggedIn();
    const generation = this.loginGeneration;
    let answer = await this.dispatch(request);

    if (answer.status === 403 && this.authMode === "cookie") {
      // The seed's line; a 403 is also what an expired session or a qBittorrent restart looks like.
      this.logger.info("Unauthorized access to qbittorrent", {
        url: this.displayUrl,
        endpoint: request.endpoint,
        status: 403,
        action: "logging in again",
      });
      await this.loginAgain(generation);
      answer = await this.dispatch(request);
    }
    if (answer.status === 403 || answer.status === 401) {
      this.logger.warn("Unauthorized access to qbittorrent", {
        url: this.displayUrl,
        endpoint: request.endpoint,
        status: answer.status,
      });
    }
    if (answer.status === 403) {
      throw new QbittorrentUnauthorizedError(
        this.forbiddenMessage(request.endpoint),
        "QbittorrentUnauthorized",
        {
          endpoint: request.endpoint,
          status: 403,
        },
      );
    }
    if (answer.status === 401) {
      throw new QbittorrentUnauthorizedError(
        this.authMode === "apiKey"
          ? `qBittorrent at ${this.displayUrl} refused the API key (401) on ${request.endpoint}`
          : `qBittorrent at ${this.displayUrl} answered 401 on ${request.endpoint}: its CSRF or Host header ` +
              "validation refused the request (a proxy adding Origin/Referer, or a Host port that differs from the WebUI port)",
        "QbittorrentUnauthorized",
        { endpoint: request.endpoint, status: 401 },
      );
    }
    if (answer.status >= 500) {
      throw new QbittorrentUnreachableError(
        `qBittorrent at ${this.displayUrl} answered ${answer.status} on ${request.endpoint}`,
        `HTTP_${answer.status}`,
        { endpoint: request.endpoint, status: answer.status },
      );
    }
    return answer;
  }

  /** Logs in now (cookie mode), honouring the backoff. A no-op with an API key or without credentials. */
  async login(): Promise<void> {
    if (this.authMode !== "cookie") return;
    this.loggedIn = false;
    await this.ensureLoggedIn();
  }

  /** Closes idle keep-alive sockets; the session can still be used afterwards (new sockets open). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.observer?.clientClosed(this.displayUrl);
  }

  private async ensureLoggedIn(): Promise<void> {
    if (this.loggedIn) return;
    this.loginInFlight ??= this.performLogin().finally(() => {
      this.loginInFlight = undefined;
    });
    await this.loginInFlight;
  }

  private async loginAgain(generationSeen: number): Promise<void> {
    // Several calls may see 403 at once: only the first logs in, the others reuse its session.
    if (this.loginGeneration === generationSeen && this.loginInFlight === undefined) this.loggedIn = false;
    await this.ensureLoggedIn();
  }

  private async performLogin(): Promise<void> {
    try {
      await this.loginBackoff.prepare();
    } catch (error) {
      // Without the count kept so far, one more attempt could be the one that gets this IP banned.
      throw new QbittorrentUnauthorizedError(
        `not logging in to qBittorrent at ${this.displayUrl}: the count of earlier failed logins cannot be read ` +
          `(${error instanceof Error ? error.message : String(error)})`,
        "QbittorrentLoginBackoff",
        { endpoint: "auth/login", retryAfterMs: 5_000 },
      );
    }
    const decision = this.loginBackoff.beginAttempt(this.#credentialId);
    if (!decision.allowed) {
      throw new QbittorrentUnauthorizedError(this.refusedAttemptMessage(decision), decision.reason, {
        endpoint: "auth/login",
        retryAfterMs: decision.retryAfterMs,
      });
    }

    this.#cookies.clear();
    let answer: ApiAnswer;
    try {
      answer = await this.dispatch({
        method: "POST",
        endpoint: "auth/login",
        form: { username: this.#credentials.username, password: this.#credentials.password },
      });
    } catch (error) {
      this.loginBackoff.recordInconclusive();
      this.logger.warn("Failed to login to qBittorrent", {
        url: this.displayUrl,
        reason: "QbittorrentUnreachable",
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }

    switch (interpretLoginAnswer(answer.status, answer.body)) {
      case "ok":
        this.loginBackoff.recordSuccess();
        await this.ledgerSaved();
        this.loggedIn = true;
        this.loginGeneration += 1;
        this.logger.info("Successfully logged into qBittorrent", {
          url: this.displayUrl,
          status: answer.status,
        });
        return;
      case "refused": {
        const retryAfterMs = this.loginBackoff.recordFailure(this.#credentialId);
        await this.ledgerSaved();
        this.logger.warn("Failed to login to qBittorrent", {
          url: this.displayUrl,
          reason: "QbittorrentLoginFailed",
          username: this.#credentials.username,
          consecutiveFailures: this.loginBackoff.failures,
          retryAfterMs,
        });
        throw new QbittorrentUnauthorizedError(
          `qBittorrent at ${this.displayUrl} refused the login for user "${this.#credentials.username}" ` +
            `(wrong username or password; ${this.loginBackoff.failures} consecutive failure(s))` +
            (retryAfterMs === undefined
              ? "; no more attempts with these credentials: fix them (a changed Secret is tried at once)"
              : ""),
          "QbittorrentLoginFailed",
          { endpoint: "auth/login", status: answer.status, retryAfterMs },
        );
      }
      case "banned": {
        const retryAfterMs = this.loginBackoff.recordBanned();
        await this.ledgerSaved();
        this.logger.error("Failed to login to qBittorrent", {
          url: this.displayUrl,
          reason: "QbittorrentBanned",
          retryAfterMs,
        });
        throw new QbittorrentUnauthorizedError(
          `qBittorrent at ${this.displayUrl} has banned this IP after too many failed logins ` +
            "(WebUI\\MaxAuthenticationFailCount); it lifts the ban after WebUI\\BanDuration or a restart",
          "QbittorrentBanned",
          { endpoint: "auth/login", status: 403, retryAfterMs },
        );
      }
      case "unexpected":
        this.loginBackoff.recordInconclusive();
        this.logger.warn("Failed to login to qBittorrent", {
          url: this.displayUrl,
          reason: "QbittorrentUnexpectedResponse",
          status: answer.status,
        });
        if (answer.status >= 500) {
          throw new QbittorrentUnreachableError(
            `qBittorrent at ${this.displayUrl} answered ${answer.status} on auth/login`,
            `HTTP_${answer.status}`,
            { endpoint: "auth/login", status: answer.status },
          );
        }
        throw new QbittorrentProtocolError(
          `qBittorrent at ${this.displayUrl} answered the login with ${answer.status} ${describeResponseBody(answer.body)}`,
          { endpoint: "auth/login", status: answer.status },
        );
    }
  }

  /** Waits until the ledger holds the verdict, so a restart right after it still knows. */
  private async ledgerSaved(): Promise<void> {
    try {
      await this.loginBackoff.saved();
    } catch (error) {
      this.logger.warn("could not record a qBittorrent login result in the login ledger", {
        url: this.displayUrl,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Stable for one cause (no countdown), so Events built from it merge; the time is absolute. */
  private refusedAttemptMessage(decision: Exclude<LoginAttemptDecision, { allowed: true }>): string {
    const where = `qBittorrent at ${this.displayUrl}`;
    const failures = `${decision.failures} failed login(s) in a row`;
    if (decision.reason === "QbittorrentLoginBackoff") {
      const at = new Date(Date.now() + (decision.retryAfterMs ?? 0)).toISOString().replace(/\.\d{3}Z$/, "Z");
      return `not logging in to ${where} before ${at}: ${failures}`;
    }
    if (!decision.final) {
      return (
        `logins to ${where} with these credentials are paused after ${failures}: qBittorrent bans this ` +
        "IP at 5 and forgets failures only after a successful login; fix the credentials (a changed Secret " +
        "is tried at once)"
      );
    }
    const hint = this.loginBackoff.resetHint;
    return (
      `logins to ${where} are suspended after ${failures}: one more failure would get this IP banned. ` +
      "qBittorrent forgets the failures after a successful login from this IP, its WebUI\\BanDuration or a restart" +
      (hint === undefined ? "" : `; after fixing the credentials, ${hint}`)
    );
  }

  private async dispatch(request: ApiRequest): Promise<ApiAnswer> {
    const started = Date.now();
    const url = new URL(request.endpoint, this.apiBase);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const { contentType, body } = encodeBody(request);
    try {
      const answer = await httpRequest({
        method: request.method,
        url,
        headers: {
          "User-Agent": "mediaplane-operator",
          // No Origin or Referer: qBittorrent's CSRF check answers 401 to one that does not match the Host.
          Cookie: this.#cookies.header(),
          Authorization: this.authMode === "apiKey" ? `Bearer ${this.#credentials.apiKey}` : undefined,
          "Content-Type": contentType,
        },
        ...(body === undefined ? {} : { body }),
        timeoutMs: this.timeoutMs,
        agent: url.protocol === "https:" ? this.httpsAgent : this.httpAgent,
      });
      this.#cookies.store(answer.headers["set-cookie"]);
      this.logger.debug("qBittorrent request", {
        url: this.displayUrl,
        method: request.method,
        endpoint: request.endpoint,
        status: answer.status,
        durationMs: Date.now() - started,
      });
      this.report(request.endpoint, requestResultForStatus(answer.status), started);
      return { status: answer.status, body: answer.body };
    } catch (error) {
      this.report(request.endpoint, "unreachable", started);
      throw this.unreachable(error, request.endpoint);
    }
  }

  private report(endpoint: string, result: QbittorrentRequestResult, startedMs: number): void {
    this.observer?.requestFinished({
      url: this.displayUrl,
      endpoint,
      result,
      seconds: (Date.now() - startedMs) / 1000,
    });
  }

  private unreachable(error: unknown, endpoint: string): Error {
    if (!(error instanceof HttpTransportError))
      return error instanceof Error ? error : new Error(String(error));
    const code = error.code;
    const timedOut = code === "ETIMEDOUT";
    const what = timedOut ? `timed out after ${this.timeoutMs} ms` : `failed (${code})`;
    this.logger.debug("qBittorrent request failed", { url: this.displayUrl, endpoint, code });
    // Only the code is kept: the transport's message never carries the request, but this stays safe if it did.
    return new QbittorrentUnreachableError(
      `request to qBittorrent at ${this.displayUrl} ${what} on ${endpoint}`,
      code,
      {
        endpoint,
      },
    );
  }

  private forbiddenMessage(endpoint: string): string {
    switch (this.authMode) {
      case "apiKey":
        return `qBittorrent at ${this.displayUrl} refused the API key (403) on ${endpoint}`;
      case "none":
        return `qBittorrent at ${this.displayUrl} requires a login (403 on ${endpoint}) but no credentials were given`;
      case "cookie":
        return `qBittorrent at ${this.displayUrl} still answers 403 on ${endpoint} after a fresh login`;
    }
  }
}

/** The WebUI URL without user:password@; the error never repeats the input (it may hold credentials). */
export function parseWebuiUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError("the qBittorrent WebUI URL is not a valid absolute URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`the qBittorrent WebUI URL must be http or https, not ${parsed.protocol}`);
  }
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return parsed;
}

/** The form as application/x-www-form-urlencoded, or the parts as multipart/form-data. */
function encodeBody(request: ApiRequest): {
  contentType: string | undefined;
  body: string | Buffer | undefined;
} {
  if (request.multipart !== undefined) return encodeMultipart(request.multipart);
  if (request.form !== undefined) {
    return {
      contentType: "application/x-www-form-urlencoded",
      body: new URLSearchParams(request.form).toString(),
    };
  }
  return { contentType: undefined, body: undefined };
}
