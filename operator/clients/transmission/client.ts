// A client for Transmission's RPC (the MediaStack wiring sets its download directory): HTTP basic
// auth plus the X-Transmission-Session-Id handshake, session-get and session-set.
import { HttpTransportError } from "../../framework/http-request.js";
import { JsonHttp, type JsonAnswer } from "../json-http.js";

/** Connection refused, timeout, or a 5xx answer: Transmission is not (yet) there. */
export class TransmissionUnreachableError extends Error {
  override readonly name = "TransmissionUnreachableError";
}

/** 401 (wrong user or password) or 403 (the RPC whitelist refuses the caller's address). */
export class TransmissionUnauthorizedError extends Error {
  override readonly name = "TransmissionUnauthorizedError";
}

/** An answer whose `result` is not "success": Transmission's own words. */
export class TransmissionRejectedError extends Error {
  override readonly name = "TransmissionRejectedError";
}

export interface TransmissionClientOptions {
  /** e.g. http://home-transmission.media.svc.cluster.local:9091 */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly timeoutMs: number;
}

/** What session-get answers, the part the wiring reads (rpc-spec.txt 4.1 "Session Arguments"). */
export interface TransmissionSession {
  readonly "download-dir"?: string;
  readonly version?: string;
  readonly "rpc-version"?: number;
  readonly [argument: string]: unknown;
}

const sessionIdHeader = "x-transmission-session-id";

/**
 * Facts from Transmission's extras/rpc-spec.txt (3.00): requests are POSTs of `{method, arguments}` to
 * `<url base>rpc` (default url base /transmission/); a request without the current session id gets 409
 * with the id in X-Transmission-Session-Id (2.3.1, CSRF protection), to be sent on every later request;
 * answers are `{result: "success" | <error text>, arguments}`.
 */
export class TransmissionClient {
  private readonly http: JsonHttp;
  private sessionId: string | undefined;

  constructor(options: TransmissionClientOptions) {
    const basic = Buffer.from(`${options.username}:${options.password}`, "utf8").toString("base64");
    this.http = new JsonHttp({
      baseUrl: `${options.url.replace(/\/+$/, "")}/transmission`,
      timeoutMs: options.timeoutMs,
      headers: { Authorization: `Basic ${basic}`, Accept: "application/json" },
    });
  }

  async sessionGet(): Promise<TransmissionSession> {
    return (await this.call("session-get")) as TransmissionSession;
  }

  async sessionSet(settings: Readonly<Record<string, unknown>>): Promise<void> {
    await this.call("session-set", settings);
  }

  private async call(method: string, args?: Readonly<Record<string, unknown>>): Promise<unknown> {
    let answer = await this.post(method, args);
    if (answer.status === 409) {
      const id = answer.headers[sessionIdHeader];
      this.sessionId = typeof id === "string" ? id : "";
      answer = await this.post(method, args);
    }
    if (answer.status === 401 || answer.status === 403) {
      throw new TransmissionUnauthorizedError(
        `Transmission refused the login (${answer.status}) on ${method}` +
          (answer.status === 403 ? ": its rpc-whitelist does not allow this address" : ""),
      );
    }
    if (answer.status !== 200) {
      throw new TransmissionUnreachableError(`Transmission answered ${method} with ${answer.status}`);
    }
    const body = answer.data as { result?: unknown; arguments?: unknown } | undefined;
    if (body?.result !== "success") {
      throw new TransmissionRejectedError(
        `Transmission refused ${method}: ${typeof body?.result === "string" ? body.result : "unexpected answer"}`,
      );
    }
    return body.arguments ?? {};
  }

  private async post(method: string, args?: Readonly<Record<string, unknown>>): Promise<JsonAnswer> {
    try {
      return await this.http.request("POST", "/rpc", {
        body: { method, ...(args !== undefined ? { arguments: args } : {}) },
        headers: this.sessionId !== undefined ? { "X-Transmission-Session-Id": this.sessionId } : {},
      });
    } catch (error) {
      const code = error instanceof HttpTransportError ? error.code : "ERROR";
      throw new TransmissionUnreachableError(`Transmission did not answer ${method} (${code})`);
    }
  }
}
