// The JSON-over-HTTP exchange the app clients share (the *arr apps, Jellyfin, DittoFS): one base URL,
// a timeout, default headers, and every status an answer for the client to interpret, none an exception.
import type { IncomingHttpHeaders } from "node:http";
import { httpRequest, parseJsonBody } from "../framework/http-request.js";

export interface JsonHttpOptions {
  /** e.g. http://home-sonarr.media.svc.cluster.local:8989; request paths are appended to it. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Sent with every request unless a request sets the same name (undefined removes it). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface JsonRequestOptions {
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead of a JSON body. */
  readonly form?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

export interface JsonAnswer {
  readonly status: number;
  /** Lowercased names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The body parsed as JSON; text that is not JSON stays text, an empty body is undefined. */
  readonly data: unknown;
}

export class JsonHttp {
  private readonly baseUrl: string;

  constructor(private readonly options: JsonHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /** Throws HttpTransportError (with Node's code, or ETIMEDOUT) only when no answer came. */
  async request(method: string, path: string, options: JsonRequestOptions = {}): Promise<JsonAnswer> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const { contentType, body } = encodeBody(options);
    const answer = await httpRequest({
      method,
      url,
      headers: {
        ...this.options.headers,
        ...(contentType === undefined ? {} : { "Content-Type": contentType }),
        ...options.headers,
      },
      ...(body === undefined ? {} : { body }),
      timeoutMs: this.options.timeoutMs,
    });
    return { status: answer.status, headers: answer.headers, data: parseJsonBody(answer) };
  }
}

function encodeBody(options: JsonRequestOptions): { contentType?: string; body?: string } {
  if (options.form !== undefined) {
    return {
      contentType: "application/x-www-form-urlencoded",
      body: new URLSearchParams(options.form).toString(),
    };
  }
  if (options.body !== undefined)
    return { contentType: "application/json", body: JSON.stringify(options.body) };
  return {};
}
