// A client for the *arr apps' HTTP API (Sonarr and Radarr /api/v3, Prowlarr /api/v1): ping,
// the provider resources (download clients, applications), root folders and the media management config.
import { HttpTransportError } from "../../framework/http-request.js";
import { JsonHttp, type JsonAnswer } from "../json-http.js";
import type { MediaManagementConfig, ProviderResource, RootFolderResource } from "./api-types.js";
import {
  ServarrRejectedError,
  ServarrUnauthorizedError,
  ServarrUnreachableError,
  ServarrValidationError,
  describeFailures,
  type ServarrValidationFailure,
} from "./errors.js";

export interface ServarrClientOptions {
  /** The app's base URL, e.g. http://home-sonarr.media.svc.cluster.local:8989 */
  readonly url: string;
  /** "v3" for Sonarr and Radarr, "v1" for Prowlarr. */
  readonly apiVersion: "v1" | "v3";
  readonly apiKey: string;
  /** What the app is called in error messages ("Sonarr"). */
  readonly appName: string;
  readonly timeoutMs: number;
}

/** Provider collections: Sonarr/Radarr `downloadclient`, Prowlarr `applications`. */
export type ProviderCollection = "downloadclient" | "applications";

export class ServarrClient {
  private readonly http: JsonHttp;

  constructor(private readonly options: ServarrClientOptions) {
    this.http = new JsonHttp({
      baseUrl: options.url,
      timeoutMs: options.timeoutMs,
      headers: { "X-Api-Key": options.apiKey, Accept: "application/json" },
    });
  }

  /** GET /ping, which the apps answer without a key: whether the app is up at all. */
  async ping(): Promise<void> {
    const answer = await this.send("GET", "/ping", undefined, { noKey: true });
    this.expect(answer, "GET /ping");
  }

  async listProviders(collection: ProviderCollection): Promise<ProviderResource[]> {
    return this.expectList<ProviderResource>(
      await this.send("GET", this.api(collection)),
      `GET ${collection}`,
    );
  }

  /** POST: the app validates, runs its save-time test and answers 400 with failures when either fails. */
  async createProvider(collection: ProviderCollection, body: ProviderResource): Promise<ProviderResource> {
    const answer = await this.send("POST", this.api(collection), body);
    return this.expect(answer, `POST ${collection}`) as ProviderResource;
  }

  async updateProvider(
    collection: ProviderCollection,
    id: number,
    body: ProviderResource,
  ): Promise<ProviderResource> {
    const answer = await this.send("PUT", this.api(`${collection}/${id}`), { ...body, id });
    return this.expect(answer, `PUT ${collection}/${id}`) as ProviderResource;
  }

  async listRootFolders(): Promise<RootFolderResource[]> {
    return this.expectList<RootFolderResource>(
      await this.send("GET", this.api("rootfolder")),
      "GET rootfolder",
    );
  }

  async createRootFolder(path: string): Promise<RootFolderResource> {
    const answer = await this.send("POST", this.api("rootfolder"), { path });
    return this.expect(answer, "POST rootfolder") as RootFolderResource;
  }

  async mediaManagementConfig(): Promise<MediaManagementConfig> {
    const answer = await this.send("GET", this.api("config/mediamanagement"));
    return this.expect(answer, "GET config/mediamanagement") as MediaManagementConfig;
  }

  async updateMediaManagementConfig(config: MediaManagementConfig): Promise<MediaManagementConfig> {
    const answer = await this.send("PUT", this.api(`config/mediamanagement/${config.id}`), config);
    return this.expect(answer, "PUT config/mediamanagement") as MediaManagementConfig;
  }

  private api(path: string): string {
    return `/api/${this.options.apiVersion}/${path}`;
  }

  private async send(
    method: "GET" | "POST" | "PUT",
    path: string,
    body?: unknown,
    options: { noKey?: boolean } = {},
  ): Promise<JsonAnswer> {
    try {
      return await this.http.request(method, path, {
        ...(body !== undefined ? { body } : {}),
        ...(options.noKey ? { headers: { "X-Api-Key": undefined } } : {}),
      });
    } catch (error) {
      const code = error instanceof HttpTransportError ? error.code : "ERROR";
      throw new ServarrUnreachableError(`${this.options.appName} did not answer ${method} ${path} (${code})`);
    }
  }

  private expectList<T>(answer: JsonAnswer, what: string): T[] {
    const data = this.expect(answer, what);
    if (!Array.isArray(data)) {
      throw new ServarrRejectedError(
        `${this.options.appName} answered ${what} with something not a list`,
        answer.status,
      );
    }
    return data as T[];
  }

  private expect(answer: JsonAnswer, what: string): unknown {
    const app = this.options.appName;
    if (answer.status >= 200 && answer.status < 300) return answer.data;
    if (answer.status === 401)
      throw new ServarrUnauthorizedError(`${app} refused the API key (401) on ${what}`);
    if (answer.status >= 500)
      throw new ServarrUnreachableError(`${app} failed ${what} with ${answer.status}`);
    if (answer.status === 400) {
      const failures = validationFailures(answer.data);
      const detail = failures.length > 0 ? describeFailures(failures) : "bad request";
      throw new ServarrValidationError(`${app} refused ${what}: ${detail}`, failures);
    }
    throw new ServarrRejectedError(`${app} refused ${what} with ${answer.status}`, answer.status);
  }
}

/** The apps answer a failed validation with a JSON list of failures (or one object with a message). */
function validationFailures(data: unknown): ServarrValidationFailure[] {
  const list = Array.isArray(data) ? data : [data];
  return list
    .filter((entry): entry is Record<string, unknown> => typeof entry === "object" && entry !== null)
    .map((entry) => ({
      ...(typeof entry.propertyName === "string" ? { propertyName: entry.propertyName } : {}),
      ...(typeof entry.errorMessage === "string"
        ? { errorMessage: entry.errorMessage }
        : typeof entry.message === "string"
          ? { errorMessage: entry.message }
          : {}),
      ...(typeof entry.isWarning === "boolean" ? { isWarning: entry.isWarning } : {}),
    }));
}
