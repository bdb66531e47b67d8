// A client for the part of Bazarr's API the MediaStack wiring uses: ping, and reading and saving
// its settings (the Sonarr and Radarr connections). The API key goes in X-API-KEY.
import { HttpTransportError } from "../../framework/http-request.js";
import { JsonHttp, type JsonAnswer } from "../json-http.js";

/** Connection refused, timeout, or a 502-504: Bazarr is not (yet) there. */
export class BazarrUnreachableError extends Error {
  override readonly name = "BazarrUnreachableError";
}

/** 401: the X-API-KEY is not Bazarr's auth.apikey. */
export class BazarrUnauthorizedError extends Error {
  override readonly name = "BazarrUnauthorizedError";
}

/** Any other refusal; a settings POST its validators refuse is a 406 with the validator's message. */
export class BazarrRejectedError extends Error {
  override readonly name = "BazarrRejectedError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface BazarrClientOptions {
  /** e.g. http://home-bazarr.media.svc.cluster.local:6767 */
  readonly url: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
}

/** GET /api/system/settings: every section of config.yaml, keys lowercased (app/config.py get_settings). */
export type BazarrSettings = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * Facts from Bazarr's source (morpheus65535/bazarr): `GET /api/system/ping` needs no key
 * (api/system/ping.py); `authenticate` (api/utils.py) takes the key as ?apikey=, a form field apikey or
 * the X-API-KEY header and answers 401 otherwise; `GET /api/system/settings` returns the settings,
 * `POST /api/system/settings` takes form fields `settings-<section>-<key>`, saves them through
 * save_settings (app/config.py: "true"/"false" become booleans, digits integers) and answers 204, or
 * 406 with the validator's message (api/system/settings.py, the flask_restx API of Bazarr 1.x).
 */
export class BazarrClient {
  private readonly http: JsonHttp;

  constructor(options: BazarrClientOptions) {
    this.http = new JsonHttp({
      baseUrl: options.url,
      timeoutMs: options.timeoutMs,
      headers: { "X-API-KEY": options.apiKey, Accept: "application/json" },
    });
  }

  async ping(): Promise<void> {
    this.expect(await this.send("GET", "/api/system/ping", undefined, true), "GET /api/system/ping");
  }

  async settings(): Promise<BazarrSettings> {
    const data = this.expect(await this.send("GET", "/api/system/settings"), "GET /api/system/settings");
    if (typeof data !== "object" || data === null) {
      throw new BazarrRejectedError("Bazarr answered GET /api/system/settings with no settings", 200);
    }
    return data as BazarrSettings;
  }

  /** Form fields as Bazarr's settings page sends them, e.g. `settings-sonarr-port=8989`. */
  async saveSettings(fields: Readonly<Record<string, string>>): Promise<void> {
    this.expect(await this.send("POST", "/api/system/settings", fields), "POST /api/system/settings");
  }

  private async send(
    method: "GET" | "POST",
    path: string,
    form?: Readonly<Record<string, string>>,
    noKey = false,
  ): Promise<JsonAnswer> {
    try {
      return await this.http.request(method, path, {
        ...(form !== undefined ? { form } : {}),
        ...(noKey ? { headers: { "X-API-KEY": undefined } } : {}),
      });
    } catch (error) {
      const code = error instanceof HttpTransportError ? error.code : "ERROR";
      throw new BazarrUnreachableError(`Bazarr did not answer ${method} ${path} (${code})`);
    }
  }

  private expect(answer: JsonAnswer, what: string): unknown {
    if (answer.status >= 200 && answer.status < 300) return answer.data;
    if (answer.status === 401)
      throw new BazarrUnauthorizedError(`Bazarr refused the API key (401) on ${what}`);
    if (answer.status >= 502 && answer.status <= 504)
      throw new BazarrUnreachableError(`Bazarr failed ${what} with ${answer.status}`);
    // api/system/settings.py answers a dynaconf ValidationError with `e.message, 406`.
    const words = typeof answer.data === "string" ? `: ${answer.data.slice(0, 512)}` : "";
    throw new BazarrRejectedError(`Bazarr refused ${what} with ${answer.status}${words}`, answer.status);
  }
}
