// A client for the DittoFS v0.29.0 control plane: login and token refresh at 80 % of the
// token's lifetime (tokens only in memory, never logged), and the adapter, store, user and share calls.
import { HttpTransportError } from "../../framework/http-request.js";
import { JsonHttp, type JsonAnswer } from "../json-http.js";
import type {
  Adapter,
  AdapterType,
  BlockStore,
  BlockStoreKind,
  CreateShare,
  CreateUser,
  LoginAnswer,
  MetadataStore,
  Share,
  ShareNfsConfig,
  SharePermission,
  StoreHealth,
  User,
} from "./api-types.js";
import {
  DittoFsLoginRefusedError,
  DittoFsRefusedError,
  DittoFsUnreachableError,
  problemDetail,
} from "./errors.js";

export interface DittoFsClientOptions {
  /** The control plane's base URL, e.g. http://files-api.media.svc.cluster.local:8080 */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly timeoutMs: number;
  /** The clock tokens are timed by (tests move it). */
  readonly now?: () => number;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A token is refreshed once this share of its lifetime has passed, as the upstream operator does. */
const REFRESH_AT = 0.8;

interface Tokens {
  access: string;
  refresh: string;
  refreshAfter: number;
}

export class DittoFsClient {
  private readonly http: JsonHttp;
  private readonly now: () => number;
  private tokens: Tokens | undefined;
  private loginCount = 0;

  constructor(private readonly options: DittoFsClientOptions) {
    this.now = options.now ?? Date.now;
    this.http = new JsonHttp({
      baseUrl: options.url,
      timeoutMs: options.timeoutMs,
      headers: { Accept: "application/json" },
    });
  }

  /** How many logins this client has sent (each one counts against the account). */
  get logins(): number {
    return this.loginCount;
  }

  listAdapters(): Promise<Adapter[]> {
    return this.list<Adapter>("/api/v1/adapters");
  }

  async createAdapter(type: AdapterType, enabled: boolean, port: number): Promise<void> {
    await this.call("POST", "/api/v1/adapters", { type, enabled, port });
  }

  /** Changing the port restarts the listener in place. */
  async updateAdapter(type: AdapterType, enabled: boolean, port: number): Promise<void> {
    await this.call("PUT", `/api/v1/adapters/${type}`, { enabled, port });
  }

  listMetadataStores(): Promise<MetadataStore[]> {
    return this.list<MetadataStore>("/api/v1/store/metadata");
  }

  /** `config` is sent as DittoFS wants it: a JSON string inside the JSON body. */
  async createMetadataStore(name: string, type: string, config: Record<string, unknown>): Promise<void> {
    await this.call("POST", "/api/v1/store/metadata", { name, type, config: JSON.stringify(config) });
  }

  listBlockStores(kind: BlockStoreKind): Promise<BlockStore[]> {
    return this.list<BlockStore>(`/api/v1/store/block/${kind}`);
  }

  async createBlockStore(
    kind: BlockStoreKind,
    name: string,
    type: string,
    config: Record<string, unknown>,
  ): Promise<void> {
    await this.call("POST", `/api/v1/store/block/${kind}`, { name, type, config: JSON.stringify(config) });
  }

  async updateBlockStoreConfig(
    kind: BlockStoreKind,
    name: string,
    config: Record<string, unknown>,
  ): Promise<void> {
    await this.call("PUT", `/api/v1/store/block/${kind}/${encodeURIComponent(name)}`, {
      config: JSON.stringify(config),
    });
  }

  /** A fresh check by DittoFS itself (for S3: the bucket reached with the store's credentials). */
  async blockStoreHealth(kind: BlockStoreKind, name: string): Promise<StoreHealth> {
    return (await this.call(
      "GET",
      `/api/v1/store/block/${kind}/${encodeURIComponent(name)}/health`,
    )) as StoreHealth;
  }

  listUsers(): Promise<User[]> {
    return this.list<User>("/api/v1/users");
  }

  async createUser(user: CreateUser): Promise<void> {
    await this.call("POST", "/api/v1/users", user);
  }

  listShares(): Promise<Share[]> {
    return this.list<Share>("/api/v1/shares");
  }

  async createShare(share: CreateShare): Promise<void> {
    await this.call("POST", "/api/v1/shares", share);
  }

  async updateShare(
    path: string,
    change: { read_only?: boolean; default_permission?: string },
  ): Promise<void> {
    await this.call("PUT", `/api/v1/shares/${sharePath(path)}`, change);
  }

  async deleteShare(path: string): Promise<void> {
    await this.call("DELETE", `/api/v1/shares/${sharePath(path)}`);
  }

  async shareNfsConfig(path: string): Promise<ShareNfsConfig> {
    return (await this.call(
      "GET",
      `/api/v1/shares/${sharePath(path)}/adapters/nfs/config`,
    )) as ShareNfsConfig;
  }

  async patchShareNfsConfig(path: string, change: ShareNfsConfig): Promise<void> {
    await this.call("PATCH", `/api/v1/shares/${sharePath(path)}/adapters/nfs/config`, change);
  }

  listSharePermissions(path: string): Promise<SharePermission[]> {
    return this.list<SharePermission>(`/api/v1/shares/${sharePath(path)}/permissions`);
  }

  async setUserPermission(path: string, username: string, level: string): Promise<void> {
    await this.call(
      "PUT",
      `/api/v1/shares/${sharePath(path)}/permissions/users/${encodeURIComponent(username)}`,
      { level },
    );
  }

  private async list<T>(path: string): Promise<T[]> {
    const data = await this.call("GET", path);
    // An empty Go slice comes back as null.
    if (data === null || data === "") return [];
    if (!Array.isArray(data)) throw new DittoFsUnreachableError(`DittoFS answered GET ${path} with no list`);
    return data as T[];
  }

  /** One authenticated call; a 401 (token revoked, server restarted with a new key) logs in once more. */
  private async call(method: Method, path: string, body?: unknown): Promise<unknown> {
    let answer = await this.send(method, path, body, await this.accessToken());
    if (answer.status === 401) {
      this.tokens = undefined;
      answer = await this.send(method, path, body, await this.accessToken());
    }
    return expect(answer, `${method} ${path}`);
  }

  private async accessToken(): Promise<string> {
    const tokens = this.tokens;
    if (tokens !== undefined && this.now() < tokens.refreshAfter) return tokens.access;
    if (tokens !== undefined) {
      const refreshed = await this.send("POST", "/api/v1/auth/refresh", { refresh_token: tokens.refresh });
      if (refreshed.status === 200) return this.keep(refreshed.data as LoginAnswer);
    }
    this.tokens = undefined;
    this.loginCount++;
    const answer = await this.send("POST", "/api/v1/auth/login", {
      username: this.options.username,
      password: this.options.password,
    });
    if (answer.status === 401 || answer.status === 403) {
      throw new DittoFsLoginRefusedError(
        `DittoFS refused the login of ${this.options.username} (${answer.status}: ${problemDetail(answer.data)})`,
      );
    }
    return this.keep(expect(answer, "POST /api/v1/auth/login") as LoginAnswer);
  }

  private keep(answer: LoginAnswer): string {
    const lifetimeMs = Math.max(1, answer.expires_in) * 1000;
    this.tokens = {
      access: answer.access_token,
      refresh: answer.refresh_token,
      refreshAfter: this.now() + lifetimeMs * REFRESH_AT,
    };
    return answer.access_token;
  }

  private async send(method: Method, path: string, body?: unknown, token?: string): Promise<JsonAnswer> {
    try {
      return await this.http.request(method, path, {
        ...(body === undefined ? {} : { body }),
        ...(token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } }),
      });
    } catch (error) {
      const code = error instanceof HttpTransportError ? error.code : "ERROR";
      throw new DittoFsUnreachableError(
        `DittoFS at ${this.options.url} did not answer ${method} ${path} (${code})`,
      );
    }
  }
}

/** A share's name is its export path; in a URL it goes without the leading slash, escaped. */
function sharePath(path: string): string {
  return encodeURIComponent(path.replace(/^\/+/, ""));
}

function expect(answer: JsonAnswer, what: string): unknown {
  if (answer.status >= 200 && answer.status < 300) return answer.data;
  const detail = problemDetail(answer.data);
  if (answer.status >= 500)
    throw new DittoFsUnreachableError(`DittoFS failed ${what} with ${answer.status}: ${detail}`);
  throw new DittoFsRefusedError(
    `DittoFS refused ${what} (${answer.status}): ${detail}`,
    answer.status,
    detail,
  );
}
