// The one HTTP client to the API server: JSON requests, server-side apply, status patches
// and streaming watches, authenticated from a KubeConfig. Errors carry the HTTP status.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KubeAccess } from "./kube-access.js";
import type { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { httpRequest, openHttpStream, type HttpRequest, type HttpStream } from "./http-request.js";
import { apiVersionOf, collectionPath, objectPath, type ResourceType } from "./resource.js";

export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    /** The Status object's details.causes[].reason, e.g. NamespaceTerminating. */
    readonly causes: readonly string[] = [],
  ) {
    super(message);
  }
}

export const isNotFound = (error: unknown): boolean => error instanceof KubeApiError && error.status === 404;
export const isConflict = (error: unknown): boolean => error instanceof KubeApiError && error.status === 409;
/** The apiserver refuses new objects in a namespace that is being deleted. */
export const isNamespaceTerminating = (error: unknown): boolean =>
  error instanceof KubeApiError && error.causes.includes("NamespaceTerminating");

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

type Query = Record<string, string | number | boolean | undefined>;

export const patchTypes = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

export class KubeApi {
  private readonly server: string;
  /** One agent for the client's life: client-node makes a new one per call, which means a TLS handshake per request. */
  private agent: HttpAgent | undefined;

  constructor(private readonly kubeConfig: KubeAccess) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    this.server = cluster.server.replace(/\/$/, "");
  }

  /** The API server's URL, for messages. */
  get serverUrl(): string {
    return this.server;
  }

  /**
   * One request; `timeoutMs` (default 60 s, the apiserver's own --request-timeout) bounds the whole
   * exchange, so a connection that died silently (a NAT or conntrack entry dropped) fails instead of
   * hanging whoever waits on it, such as the leader election loop.
   */
  async request<T>(
    method: string,
    path: string,
    options: {
      query?: Query;
      body?: unknown;
      contentType?: string;
      signal?: AbortSignal;
      timeoutMs?: number;
    } = {},
  ): Promise<T> {
    const request = await this.prepare(method, path, options);
    const answer = await httpRequest({ ...request, timeoutMs: options.timeoutMs ?? defaultRequestTimeoutMs });
    if (!isOk(answer.status)) throw errorFromResponse(method, path, answer.status, answer.body);
    return (answer.body ? JSON.parse(answer.body) : {}) as T;
  }

  async get<T extends KubernetesObject>(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Promise<T> {
    return this.request<T>("GET", objectPath(resource, namespace, name));
  }

  async list<T extends KubernetesObject>(
    resource: ResourceType,
    namespace?: string,
    query: Query = {},
  ): Promise<ListResult<T>> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string;
    do {
      const page = await this.request<{
        items: T[];
        metadata: { resourceVersion: string; continue?: string };
      }>("GET", collectionPath(resource, namespace), {
        query: { limit: 500, ...query, continue: continueToken },
      });
      const apiVersion = apiVersionOf(resource);
      for (const item of page.items) items.push({ ...item, apiVersion, kind: resource.kind });
      resourceVersion = page.metadata.resourceVersion;
      continueToken = page.metadata.continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  async create<T extends KubernetesObject>(resource: ResourceType, object: T): Promise<T> {
    return this.request<T>("POST", collectionPath(resource, object.metadata?.namespace), { body: object });
  }

  /** Server-side apply: the manager owns exactly the fields in `object`. */
  async apply<T extends KubernetesObject>(
    resource: ResourceType,
    object: T,
    fieldManager: string,
  ): Promise<T> {
    const name = object.metadata?.name ?? "";
    return this.request<T>("PATCH", objectPath(resource, object.metadata?.namespace, name), {
      query: { fieldManager, force: true },
      body: object,
      contentType: patchTypes.apply,
    });
  }

  async patch<T extends KubernetesObject>(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    contentType: string,
    subresource?: "status",
  ): Promise<T> {
    const path = objectPath(resource, namespace, name) + (subresource ? `/${subresource}` : "");
    return this.request<T>("PATCH", path, { body: patch, contentType });
  }

  async delete(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    propagationPolicy: "Background" | "Foreground" | "Orphan" = "Background",
  ): Promise<void> {
    await this.request("DELETE", objectPath(resource, namespace, name), {
      body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy },
    });
  }

  /**
   * Streams watch events until the server closes the watch, `signal` aborts, or nothing
   * (not even a bookmark) arrives for `idleTimeoutMs` — client-node's Watch has no such timeout.
   */
  async watch<T>(
    resource: ResourceType,
    namespace: string | undefined,
    query: Query,
    onEvent: (event: WatchEvent<T>) => void,
    options: { signal: AbortSignal; idleTimeoutMs: number },
  ): Promise<void> {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    options.signal.addEventListener("abort", abort, { once: true });
    let idle = setTimeout(abort, options.idleTimeoutMs);
    try {
      const response: HttpStream = await openHttpStream(
        await this.prepare("GET", collectionPath(resource, namespace), {
          query: { ...query, watch: true },
          signal: controller.signal,
        }),
      );
      if (!isOk(response.status))
        throw errorFromResponse(
          "WATCH",
          collectionPath(resource, namespace),
          response.status,
          await response.text(),
        );
      let buffered = "";
      for await (const chunk of response.body) {
        clearTimeout(idle);
        idle = setTimeout(abort, options.idleTimeoutMs);
        buffered += chunk.toString("utf8");
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent<T>);
        }
      }
    } catch (error) {
      if (controller.signal.aborted && !options.signal.aborted) {
        throw new KubeApiError(0, "WatchIdle", `watch idle for ${options.idleTimeoutMs} ms`);
      }
      if (!options.signal.aborted) throw error;
    } finally {
      clearTimeout(idle);
      options.signal.removeEventListener("abort", abort);
    }
  }

  /** The request with this moment's credentials (tokens rotate) and the one kept connection pool. */
  private async prepare(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; contentType?: string; signal?: AbortSignal },
  ): Promise<HttpRequest> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const init = await this.kubeConfig.applyToFetchOptions({});
    this.agent ??=
      init.agent instanceof HttpsAgent
        ? new HttpsAgent({ ...init.agent.options, keepAlive: true })
        : (init.agent as HttpAgent | undefined);
    // client-node (in tests) returns a WHATWG Headers object, kube-access.ts a plain record: copy either.
    const given = init.headers as Headers | Record<string, string> | undefined;
    const headers: Record<string, string> = {
      ...(given === undefined
        ? {}
        : typeof (given as Headers).entries === "function"
          ? Object.fromEntries((given as Headers).entries())
          : (given as Record<string, string>)),
      Accept: "application/json",
    };
    if (options.body !== undefined) headers["Content-Type"] = options.contentType ?? "application/json";
    return {
      method,
      url,
      headers,
      agent: this.agent,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
  }
}

const isOk = (status: number): boolean => status >= 200 && status < 300;

const defaultRequestTimeoutMs = 60_000;

function errorFromResponse(method: string, path: string, status: number, text: string): KubeApiError {
  let reason = String(status);
  let message = text.slice(0, 500);
  let causes: string[] = [];
  try {
    const body = JSON.parse(text) as {
      reason?: string;
      message?: string;
      details?: { causes?: Array<{ reason?: string }> };
    };
    reason = body.reason ?? reason;
    message = body.message ?? message;
    causes = (body.details?.causes ?? []).flatMap((cause) => (cause.reason ? [cause.reason] : []));
  } catch {
    // not a Status object: keep the raw text
  }
  return new KubeApiError(status, reason, `${method} ${path}: ${status} ${message}`, causes);
}
