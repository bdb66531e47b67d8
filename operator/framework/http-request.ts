// The one HTTP transport of the operator, on node:http and node:https: the API server and every app
// client send through it. It replaced axios and node-fetch, which cost 35 MiB of RSS just to load.
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";

export interface HttpRequest {
  method: string;
  url: URL;
  /** Undefined values are left out, so a default can be removed per request. */
  headers?: Record<string, string | undefined>;
  body?: string | Buffer;
  /** The whole exchange, headers and body, must finish within this; else ETIMEDOUT. */
  timeoutMs?: number;
  signal?: AbortSignal;
  agent?: http.Agent;
}

export interface HttpAnswer {
  status: number;
  /** Lowercased names; `set-cookie` is a list. */
  headers: IncomingHttpHeaders;
  body: string;
}

/** The exchange failed before an answer: `code` is Node's (ECONNREFUSED, ENOTFOUND, ...), ETIMEDOUT or EABORTED. */
export class HttpTransportError extends Error {
  override readonly name = "HttpTransportError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpStream {
  status: number;
  headers: IncomingHttpHeaders;
  body: AsyncIterable<Buffer>;
  text(): Promise<string>;
}

/** Sends one request and reads the whole answer as UTF-8 text. Any status is an answer, none throws. */
export async function httpRequest(request: HttpRequest): Promise<HttpAnswer> {
  const stream = await openHttpStream(request);
  return { status: stream.status, headers: stream.headers, body: await stream.text() };
}

/**
 * Sends one request and resolves with the status and headers once they arrive; the body is read as it
 * streams (a watch). The timeout, when given, still bounds the whole exchange.
 */
export function openHttpStream(request: HttpRequest): Promise<HttpStream> {
  const { url } = request;
  const transport = url.protocol === "https:" ? https : http;
  return new Promise<HttpStream>((resolve, reject) => {
    let failure: HttpTransportError | undefined;
    const headers = Object.fromEntries(
      Object.entries(request.headers ?? {}).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
    if (request.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(request.body));
    const outgoing = transport.request(url, { method: request.method, headers, agent: request.agent });
    const fail = (code: string, message: string): void => {
      failure ??= new HttpTransportError(code, message);
      outgoing.destroy(failure);
    };
    const timer =
      request.timeoutMs === undefined
        ? undefined
        : setTimeout(() => fail("ETIMEDOUT", `no answer within ${request.timeoutMs} ms`), request.timeoutMs);
    const onAbort = (): void => fail("EABORTED", "aborted");
    request.signal?.addEventListener("abort", onAbort, { once: true });
    const settle = (): void => {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
    };
    if (request.signal?.aborted) onAbort();
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      settle();
      reject(failure ?? new HttpTransportError(error.code ?? "ERROR", error.message));
    });
    outgoing.on("response", (incoming: IncomingMessage) => {
      incoming.on("error", () => settle());
      incoming.on("end", settle);
      incoming.on("close", settle);
      resolve({
        status: incoming.statusCode ?? 0,
        headers: incoming.headers,
        body: bodyOf(incoming, () => failure),
        text: () => readText(bodyOf(incoming, () => failure)),
      });
    });
    outgoing.end(request.body);
  });
}

/** The body's chunks; a timeout or abort mid-body throws the transport error, not a bare "aborted". */
async function* bodyOf(
  incoming: IncomingMessage,
  failure: () => HttpTransportError | undefined,
): AsyncIterable<Buffer> {
  try {
    for await (const chunk of incoming) yield chunk as Buffer;
  } catch (error) {
    throw failure() ?? error;
  }
  const failed = failure();
  if (failed !== undefined) throw failed;
}

async function readText(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses an answer's body as JSON; an empty body is undefined, text that is not JSON stays text. */
export function parseJsonBody(answer: HttpAnswer): unknown {
  if (answer.body === "") return undefined;
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    return answer.body;
  }
}

/**
 * A client's "did not answer" message without the transport's code, for a condition: while a
 * Service's name does not resolve yet, retries fail with ENOTFOUND or ETIMEDOUT by turns, and a
 * condition message that followed them would rewrite the object's status on every retry.
 */
export function withoutTransportCode(message: string): string {
  return message
    .replace(/ \((?:E[A-Z0-9_]+|ERROR)\)$/, "")
    .replace(/ (?:failed \((?:E[A-Z0-9_]+|ERROR)\)|timed out after \d+ ms) on /, " did not answer on ");
}
