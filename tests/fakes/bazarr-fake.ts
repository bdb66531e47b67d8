// A fake Bazarr for the wiring tests, from Bazarr's source (morpheus65535/bazarr): /api/system/ping, and
// the settings API that connects it to Sonarr and Radarr, with Bazarr's key check, casts and validators
// (bazarr/app/config.py, bazarr/api/system/settings.py and api/utils.py of the 1.x flask_restx API).
import {
  startFakeServer,
  type FakeAnswer,
  type FakeRequest,
  type FakeRoute,
  type RunningFake,
} from "./fake-http.js";

export interface BazarrFakeOptions {
  /** auth.apikey as the init container wrote it into config.yaml; read on every request. */
  readonly apiKey: () => string;
}

export type BazarrSection = Record<string, unknown>;

export interface BazarrFake extends RunningFake {
  /** config.yaml's sections as Bazarr holds them (the ones the fake models). */
  readonly settings: Readonly<Record<"general" | "sonarr" | "radarr", BazarrSection>>;
  /** How many settings POSTs were saved. */
  readonly saves: () => number;
}

type Rule = (value: unknown) => boolean;
const isBool: Rule = (value) => typeof value === "boolean";
const isStr: Rule = (value) => typeof value === "string";
const isIntIn =
  (low: number, high: number): Rule =>
  (value) =>
    Number.isInteger(value) && (value as number) >= low && (value as number) <= high;
const isOneOf =
  (...allowed: readonly unknown[]): Rule =>
  (value) =>
    allowed.includes(value);
const isList: Rule = (value) => Array.isArray(value);

/**
 * The modeled keys with their defaults and validators, from bazarr/app/config.py `validators`
 * (general.use_sonarr/use_radarr, the sonarr and radarr sections).
 */
const sync = isOneOf(15, 60, 180, 360, 720, 1440);
const arrSection = (port: number): Record<string, [unknown, Rule]> => ({
  ip: ["127.0.0.1", isStr],
  port: [port, isIntIn(1, 65535)],
  base_url: ["/", isStr],
  ssl: [false, isBool],
  http_timeout: [60, isOneOf(60, 120, 180, 240, 300, 600)],
  apikey: ["", isStr],
  full_update: ["Daily", isOneOf("Manually", "Daily", "Weekly")],
  full_update_day: [6, isIntIn(0, 6)],
  full_update_hour: [4, isIntIn(0, 23)],
  only_monitored: [false, isBool],
  excluded_tags: [[], isList],
  use_ffprobe_cache: [true, isBool],
  defer_search_signalr: [false, isBool],
});
const schema: Record<"general" | "sonarr" | "radarr", Record<string, [unknown, Rule]>> = {
  general: { use_sonarr: [false, isBool], use_radarr: [false, isBool] },
  sonarr: {
    ...arrSection(8989),
    series_sync: [60, sync],
    episodes_sync: [60, sync],
    excluded_series_types: [[], isList],
    exclude_season_zero: [false, isBool],
  },
  radarr: { ...arrSection(7878), movies_sync: [60, sync] },
};

/** app/config.py: `array_keys` keep lists, `str_keys` are never cast to int, `empty_values`. */
const arrayKeys = new Set(["excluded_tags", "excluded_series_types"]);
const strKeys = new Set(["chmod"]);
const emptyValues = new Set(["", "None", "null", "undefined"]);

/** base_url_slash_cleaner: every "//" becomes "/". */
function slashCleaned(uri: string): string {
  let cleaned = uri;
  while (cleaned.includes("//")) cleaned = cleaned.replaceAll("//", "/");
  return cleaned;
}

/** save_settings' handling of one form value: lists, None, int casts, "true"/"false". */
function cast(key: string, values: string[]): unknown {
  let value: unknown = values;
  if (values.length === 1 && !arrayKeys.has(key)) {
    const [single = ""] = values;
    value = emptyValues.has(single) && single !== "" ? null : single;
  }
  if (typeof value === "string" && !strKeys.has(key) && /^[-+]?\d+$/.test(value.trim()))
    value = Number(value);
  if (arrayKeys.has(key) && Array.isArray(value) && emptyValues.has(String(value[0] ?? ""))) value = [];
  if (value === "true") return true;
  if (value === "false") return false;
  return value;
}

/** api/utils.py authenticate: ?apikey=, a form field apikey or X-API-KEY; abort(401) otherwise. */
function keyAccepted(request: FakeRequest, key: string, form: URLSearchParams | undefined): boolean {
  const given = [request.query.get("apikey"), form?.get("apikey"), request.headers["x-api-key"]];
  return given.includes(key);
}

export async function startBazarrFake(options: BazarrFakeOptions): Promise<BazarrFake> {
  const settings = Object.fromEntries(
    Object.entries(schema).map(([section, keys]) => [
      section,
      Object.fromEntries(Object.entries(keys).map(([key, [initial]]) => [key, structuredClone(initial)])),
    ]),
  ) as Record<"general" | "sonarr" | "radarr", BazarrSection>;
  let saves = 0;
  const formOf = (request: FakeRequest): URLSearchParams | undefined =>
    String(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
      ? new URLSearchParams(request.rawBody)
      : undefined;
  const unauthorized: FakeAnswer = {
    status: 401,
    body: "<!doctype html>\n<title>401 Unauthorized</title>\n<h1>Unauthorized</h1>",
    headers: { "Content-Type": "text/html; charset=utf-8" },
  };

  const routes: FakeRoute[] = [
    // api/system/ping.py: "Unauthenticated endpoint to check Bazarr availability".
    { method: "GET", path: "/api/system/ping", handler: () => ({ status: 200, body: { status: "OK" } }) },
    {
      // api/system/settings.py SystemSettings.get: get_settings() (only flask_secret_key is left out:
      // Bazarr shows the Sonarr/Radarr keys as stored, the fake does too).
      method: "GET",
      path: "/api/system/settings",
      handler: (request) =>
        keyAccepted(request, options.apiKey(), undefined)
          ? { status: 200, body: structuredClone(settings) }
          : unauthorized,
    },
    {
      // SystemSettings.post → save_settings(zip(request.form.keys(), request.form.listvalues())), 204.
      // (languages-*, notifications-* fields update Bazarr's database; the wiring sends none.)
      method: "POST",
      path: "/api/system/settings",
      handler: (request) => {
        const form = formOf(request);
        if (!keyAccepted(request, options.apiKey(), form)) return unauthorized;
        if (form === undefined) return { status: 415, body: { message: "form data expected" } };
        const next = structuredClone(settings);
        for (const key of new Set(form.keys())) {
          const parts = key.split("-");
          if (parts[0] !== "settings" || parts.length !== 3) continue;
          const [, section = "", name = ""] = parts;
          const known = schema[section as keyof typeof schema];
          if (known === undefined) continue;
          // Deliberately stricter than Bazarr, which would store a misspelt key and never read it.
          if (known[name] === undefined) {
            return { status: 400, body: { message: `fake Bazarr: no setting ${section}.${name}` } };
          }
          let value = cast(name, form.getAll(key));
          if (name === "base_url" && typeof value === "string") value = slashCleaned(value);
          next[section as keyof typeof next][name] = value;
        }
        // settings.validators.validate(): a ValidationError reloads the settings; api/system/settings.py
        // (the flask_restx version, Bazarr 1.x) answers `e.message, 406`.
        for (const [section, keys] of Object.entries(schema)) {
          for (const [name, [, rule]] of Object.entries(keys)) {
            const value = next[section as keyof typeof next][name];
            if (!rule(value)) {
              return {
                status: 406,
                body: JSON.stringify(`${section}.${name} invalid for ${JSON.stringify(value)}`),
                headers: { "Content-Type": "application/json" },
              };
            }
          }
        }
        for (const section of Object.keys(schema) as Array<keyof typeof settings>) {
          Object.assign(settings[section], next[section]);
        }
        saves += 1;
        return { status: 204 };
      },
    },
  ];
  const server = await startFakeServer(routes);
  return { ...server, settings, saves: () => saves };
}
