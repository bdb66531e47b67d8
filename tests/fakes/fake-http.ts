// The HTTP plumbing the app fakes share: a loopback server with a route table, JSON bodies, a request
// log for tests, and the cluster's name resolution played by the same URL aliases the operator uses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { aliasedUrl } from "../../operator/clients/service-url-aliases.js";

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage["headers"];
  /** Parsed JSON, or the raw text when it is not JSON; undefined without a body. */
  readonly body: unknown;
  readonly rawBody: string;
  /** Path parameters of the matched route (":id"). */
  readonly params: Readonly<Record<string, string>>;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type FakeHandler = (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>;

export interface FakeRoute {
  readonly method: string;
  /** e.g. "/api/v3/downloadclient/:id" (case-insensitive, like ASP.NET routing). */
  readonly path: string;
  readonly handler: FakeHandler;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface RunningFake {
  readonly url: string;
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

/** The "cluster network" seen from inside a fake: in-cluster URLs mapped to loopback ones. */
export interface FakeNetwork {
  readonly aliases: ReadonlyMap<string, string>;
}

export function resolveInNetwork(network: FakeNetwork, url: string): string {
  return aliasedUrl(url, network.aliases);
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.toLowerCase().split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < want.length; index += 1) {
    const part = want[index] ?? "";
    const value = got[index] ?? "";
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value.toLowerCase()) return undefined;
  }
  return params;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, answer: FakeAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload = "";
  if (answer.body !== undefined) {
    if (typeof answer.body === "string") payload = answer.body;
    else {
      payload = JSON.stringify(answer.body);
      headers["Content-Type"] ??= "application/json; charset=utf-8";
    }
  }
  response.writeHead(answer.status, headers);
  response.end(payload);
}

/** Where a fake listens: loopback on a free port unless given (a pod listens on 0.0.0.0 at the app's port). */
export interface FakeListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Starts a server on 127.0.0.1 (a free port unless given); unknown routes answer 404, handler bugs 500. */
export interface FakeServerOptions {
  /** Runs before the route's handler; an answer it gives replaces the handler's (a 401, say). */
  readonly before?: (request: FakeRequest, route: FakeRoute) => FakeAnswer | undefined;
  /** Headers on every answer (the *arr apps' X-Application-Version). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly listen?: FakeListenAddress;
}

export async function startFakeServer(
  routes: readonly FakeRoute[],
  options: FakeServerOptions = {},
): Promise<RunningFake> {
  const before = options.before;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://fake");
      const rawBody = await readBody(request);
      let body: unknown;
      if (rawBody !== "") {
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = rawBody;
        }
      }
      let answer: FakeAnswer = { status: 404, body: { message: "NotFound" } };
      for (const route of routes) {
        if (route.method !== request.method) continue;
        const params = match(route.path, url.pathname);
        if (params === undefined) continue;
        const fakeRequest: FakeRequest = {
          method: request.method,
          path: url.pathname,
          query: url.searchParams,
          headers: request.headers,
          body,
          rawBody,
          params,
        };
        try {
          answer = before?.(fakeRequest, route) ?? (await route.handler(fakeRequest));
        } catch (error) {
          answer = { status: 500, body: { message: error instanceof Error ? error.message : String(error) } };
        }
        break;
      }
      requests.push({ method: request.method ?? "", path: url.pathname, status: answer.status });
      send(response, { ...answer, headers: { ...options.headers, ...answer.headers } });
    })();
  });
  const { host, port } = options.listen ?? { host: "127.0.0.1", port: 0 };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
