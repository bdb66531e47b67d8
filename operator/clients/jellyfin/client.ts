// A client for the Jellyfin calls the MediaStack wiring makes: the first-run wizard (/Startup/*,
// open to anyone until completed), login, API keys (/Auth/Keys) and libraries (/Library/VirtualFolders).
import { HttpTransportError } from "../../framework/http-request.js";
import { JsonHttp, type JsonAnswer } from "../json-http.js";

export interface JellyfinClientOptions {
  readonly url: string;
  readonly timeoutMs: number;
  /** Sent as DeviceId in the MediaBrowser authorization header; one per stack keeps one session. */
  readonly deviceId: string;
}

export interface JellyfinPublicInfo {
  readonly StartupWizardCompleted?: boolean;
  readonly Version?: string;
}

export interface JellyfinApiKey {
  readonly AccessToken: string;
  readonly AppName?: string;
}

export interface JellyfinVirtualFolder {
  readonly Name: string;
  readonly Locations?: readonly string[];
  readonly CollectionType?: string;
}

/** No answer, a timeout or a 5xx. */
export class JellyfinUnreachableError extends Error {
  override readonly name = "JellyfinUnreachableError";
}

/** 401/403: the login or the token was refused. */
export class JellyfinUnauthorizedError extends Error {
  override readonly name = "JellyfinUnauthorizedError";
}

/** Any other refusal, with the status. */
export class JellyfinRejectedError extends Error {
  override readonly name = "JellyfinRejectedError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class JellyfinClient {
  private readonly http: JsonHttp;

  constructor(private readonly options: JellyfinClientOptions) {
    this.http = new JsonHttp({ baseUrl: options.url, timeoutMs: options.timeoutMs });
  }

  async publicInfo(): Promise<JellyfinPublicInfo> {
    return (await this.call("GET", "/System/Info/Public")) as JellyfinPublicInfo;
  }

  /** The wizard's steps, in the order the web client takes them. */
  async setStartupConfiguration(config: {
    UICulture: string;
    MetadataCountryCode: string;
    PreferredMetadataLanguage: string;
  }): Promise<void> {
    await this.call("POST", "/Startup/Configuration", { body: config });
  }

  /** Loads the first user: Jellyfin creates it on this call when there is none yet. */
  async startupUser(): Promise<{ Name?: string }> {
    return (await this.call("GET", "/Startup/User")) as { Name?: string };
  }

  async setStartupUser(name: string, password: string): Promise<void> {
    await this.call("POST", "/Startup/User", { body: { Name: name, Password: password } });
  }

  async setRemoteAccess(enableRemoteAccess: boolean): Promise<void> {
    await this.call("POST", "/Startup/RemoteAccess", {
      body: { EnableRemoteAccess: enableRemoteAccess, EnableAutomaticPortMapping: false },
    });
  }

  async completeWizard(): Promise<void> {
    await this.call("POST", "/Startup/Complete");
  }

  /** Logs in; the access token authorizes the admin calls below. */
  async authenticateByName(username: string, password: string): Promise<string> {
    const answer = (await this.call("POST", "/Users/AuthenticateByName", {
      body: { Username: username, Pw: password },
    })) as { AccessToken?: unknown };
    if (typeof answer.AccessToken !== "string" || answer.AccessToken === "") {
      throw new JellyfinRejectedError("Jellyfin's login answer has no AccessToken", 200);
    }
    return answer.AccessToken;
  }

  async apiKeys(token: string): Promise<JellyfinApiKey[]> {
    const answer = (await this.call("GET", "/Auth/Keys", { token })) as { Items?: JellyfinApiKey[] };
    return answer.Items ?? [];
  }

  /** 204 without a body: the key is read back with apiKeys(). */
  async createApiKey(token: string, app: string): Promise<void> {
    await this.call("POST", "/Auth/Keys", { token, query: { app } });
  }

  async virtualFolders(token: string): Promise<JellyfinVirtualFolder[]> {
    return (await this.call("GET", "/Library/VirtualFolders", { token })) as JellyfinVirtualFolder[];
  }

  async addVirtualFolder(
    token: string,
    name: string,
    collectionType: string,
    paths: readonly string[],
  ): Promise<void> {
    await this.call("POST", "/Library/VirtualFolders", {
      token,
      query: { name, collectionType, paths: paths.join(","), refreshLibrary: "false" },
      body: { LibraryOptions: {} },
    });
  }

  private authorization(token?: string): string {
    const parts = [
      `Client="mediaplane"`,
      `Device="mediaplane-operator"`,
      `DeviceId="${this.options.deviceId}"`,
      `Version="0.1.0"`,
      ...(token ? [`Token="${token}"`] : []),
    ];
    return `MediaBrowser ${parts.join(", ")}`;
  }

  private async call(
    method: "GET" | "POST",
    path: string,
    options: { token?: string; query?: Record<string, string>; body?: unknown } = {},
  ): Promise<unknown> {
    let answer: JsonAnswer;
    try {
      answer = await this.http.request(method, path, {
        headers: { Authorization: this.authorization(options.token), Accept: "application/json" },
        ...(options.query ? { query: options.query } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
    } catch (error) {
      const code = error instanceof HttpTransportError ? error.code : "ERROR";
      throw new JellyfinUnreachableError(`Jellyfin did not answer ${method} ${path} (${code})`);
    }
    if (answer.status >= 200 && answer.status < 300) return answer.data;
    if (answer.status === 401 || answer.status === 403) {
      throw new JellyfinUnauthorizedError(`Jellyfin refused ${method} ${path} (${answer.status})`);
    }
    if (answer.status >= 500)
      throw new JellyfinUnreachableError(`Jellyfin failed ${method} ${path} with ${answer.status}`);
    const detail =
      typeof answer.data === "string" && answer.data !== "" ? `: ${answer.data.slice(0, 200)}` : "";
    throw new JellyfinRejectedError(
      `Jellyfin refused ${method} ${path} with ${answer.status}${detail}`,
      answer.status,
    );
  }
}
