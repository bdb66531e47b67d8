// A fake Jellyfin 10.11 for the wiring tests, from its controllers: /Startup/* open to anyone until the
// wizard is complete (FirstTimeSetupOrElevated) and admin-only after, login by name, API keys
// (RequiresElevation) and libraries; DTOs are checked for their property names and types.
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import {
  startFakeServer,
  type FakeListenAddress,
  type FakeAnswer,
  type FakeRequest,
  type FakeRoute,
  type RunningFake,
} from "./fake-http.js";
import { validate, type Schema } from "./openapi-schema.js";

export interface JellyfinFake extends RunningFake {
  readonly state: {
    wizardCompleted: boolean;
    user: { name: string; password: string };
    apiKeys: Array<{ AccessToken: string; AppName: string }>;
    libraries: Array<{ Name: string; CollectionType: string; Locations: string[] }>;
  };
}

const text: Schema = { type: "string", nullable: true };
const startupDtos: Record<string, Schema> = {
  StartupConfigurationDto: {
    type: "object",
    additionalProperties: false,
    properties: {
      ServerName: text,
      UICulture: text,
      MetadataCountryCode: text,
      PreferredMetadataLanguage: text,
    },
  },
  StartupUserDto: { type: "object", additionalProperties: false, properties: { Name: text, Password: text } },
  StartupRemoteAccessDto: {
    type: "object",
    additionalProperties: false,
    properties: { EnableRemoteAccess: { type: "boolean" }, EnableAutomaticPortMapping: { type: "boolean" } },
  },
  AuthenticateUserByName: {
    type: "object",
    additionalProperties: false,
    properties: { Username: text, Pw: text },
  },
  AddVirtualFolderDto: {
    type: "object",
    additionalProperties: false,
    properties: { LibraryOptions: { type: "object", nullable: true } },
  },
};

const collectionTypes = [
  "movies",
  "tvshows",
  "music",
  "musicvideos",
  "homevideos",
  "boxsets",
  "books",
  "mixed",
];

/** MediaBrowser Client="..", Device="..", DeviceId="..", Version="..", Token=".." as a map. */
function authorizationParts(request: FakeRequest): Record<string, string> {
  const header = String(request.headers.authorization ?? request.headers["x-emby-authorization"] ?? "");
  const parts: Record<string, string> = {};
  for (const match of header.replace(/^(MediaBrowser|Emby)\s+/i, "").matchAll(/(\w+)="([^"]*)"/g)) {
    parts[match[1] ?? ""] = decodeURIComponent(match[2] ?? "");
  }
  return parts;
}

export interface JellyfinFakeOptions {
  /** Where the pod's /data is on this machine: library paths must exist under it. */
  readonly dataRoot: string;
  readonly listen?: FakeListenAddress;
}

export async function startJellyfinFake(options: JellyfinFakeOptions): Promise<JellyfinFake> {
  const state: JellyfinFake["state"] = {
    wizardCompleted: false,
    // Jellyfin names its first user after the account it runs as.
    user: { name: "abc", password: "" },
    apiKeys: [],
    libraries: [],
  };
  const sessions = new Set<string>();

  const token = (request: FakeRequest): string | undefined =>
    authorizationParts(request).Token ??
    (request.headers["x-emby-token"] as string | undefined) ??
    request.query.get("api_key") ??
    request.query.get("ApiKey") ??
    undefined;
  const isAdmin = (request: FakeRequest): boolean => {
    const given = token(request);
    return (
      given !== undefined && (sessions.has(given) || state.apiKeys.some((key) => key.AccessToken === given))
    );
  };
  /** FirstTimeSetupOrElevated: anyone until the wizard is complete, then an admin. */
  const setupOrAdmin = (request: FakeRequest): FakeAnswer | undefined => {
    if (!state.wizardCompleted || isAdmin(request)) return undefined;
    return token(request) === undefined ? { status: 401 } : { status: 403 };
  };
  const requiresAdmin = (request: FakeRequest): FakeAnswer | undefined =>
    isAdmin(request) ? undefined : token(request) === undefined ? { status: 401 } : { status: 403 };
  const body = (request: FakeRequest, dto: string): FakeAnswer | undefined => {
    const errors = validate(request.body, startupDtos[dto] ?? {}, startupDtos);
    return errors.length > 0
      ? { status: 400, body: { title: "One or more validation errors occurred.", errors } }
      : undefined;
  };

  const routes: FakeRoute[] = [
    { method: "GET", path: "/health", handler: () => ({ status: 200, body: "Healthy" }) },
    {
      method: "GET",
      path: "/System/Info/Public",
      handler: () => ({
        status: 200,
        body: {
          ServerName: "jellyfin",
          Version: "10.11.11",
          ProductName: "Jellyfin Server",
          StartupWizardCompleted: state.wizardCompleted,
        },
      }),
    },
    {
      method: "POST",
      path: "/Startup/Configuration",
      handler: (request) =>
        setupOrAdmin(request) ?? body(request, "StartupConfigurationDto") ?? { status: 204 },
    },
    {
      method: "GET",
      path: "/Startup/User",
      handler: (request) =>
        setupOrAdmin(request) ?? { status: 200, body: { Name: state.user.name, Password: "" } },
    },
    {
      method: "POST",
      path: "/Startup/User",
      handler: (request) => {
        const refused = setupOrAdmin(request) ?? body(request, "StartupUserDto");
        if (refused) return refused;
        const dto = request.body as { Name?: string | null; Password?: string | null };
        if (!dto.Password || dto.Password.trim() === "")
          return { status: 400, body: "Password must not be empty" };
        if (dto.Name) state.user.name = dto.Name;
        state.user.password = dto.Password;
        return { status: 204 };
      },
    },
    {
      method: "POST",
      path: "/Startup/RemoteAccess",
      handler: (request) =>
        setupOrAdmin(request) ?? body(request, "StartupRemoteAccessDto") ?? { status: 204 },
    },
    {
      method: "POST",
      path: "/Startup/Complete",
      handler: (request) => {
        const refused = setupOrAdmin(request);
        if (refused) return refused;
        state.wizardCompleted = true;
        return { status: 204 };
      },
    },
    {
      method: "POST",
      path: "/Users/AuthenticateByName",
      handler: (request) => {
        const refused = body(request, "AuthenticateUserByName");
        if (refused) return refused;
        const auth = authorizationParts(request);
        if (!auth.Client || !auth.Device || !auth.DeviceId || !auth.Version) {
          return {
            status: 400,
            body: "Client, Device, DeviceId and Version are required in the authorization header",
          };
        }
        const dto = request.body as { Username?: string; Pw?: string };
        if (
          dto.Username?.toLowerCase() !== state.user.name.toLowerCase() ||
          dto.Pw !== state.user.password ||
          dto.Pw === ""
        ) {
          return { status: 401, body: "Error processing request." };
        }
        const session = randomBytes(16).toString("hex");
        sessions.add(session);
        return {
          status: 200,
          body: {
            AccessToken: session,
            ServerId: "fake",
            User: { Name: state.user.name, Policy: { IsAdministrator: true } },
          },
        };
      },
    },
    {
      method: "GET",
      path: "/Auth/Keys",
      handler: (request) =>
        requiresAdmin(request) ?? {
          status: 200,
          body: { Items: state.apiKeys, TotalRecordCount: state.apiKeys.length, StartIndex: 0 },
        },
    },
    {
      method: "POST",
      path: "/Auth/Keys",
      handler: (request) => {
        const refused = requiresAdmin(request);
        if (refused) return refused;
        const app = request.query.get("app");
        if (!app) return { status: 400, body: { errors: { app: ["The app field is required."] } } };
        state.apiKeys.push({ AccessToken: randomBytes(16).toString("hex"), AppName: app });
        return { status: 204 };
      },
    },
    {
      method: "GET",
      path: "/Library/VirtualFolders",
      handler: (request) =>
        setupOrAdmin(request) ?? {
          status: 200,
          body: state.libraries.map((library) => ({ ...library, ItemId: library.Name })),
        },
    },
    {
      method: "POST",
      path: "/Library/VirtualFolders",
      handler: (request) => {
        const refused =
          setupOrAdmin(request) ??
          (request.rawBody !== "" ? body(request, "AddVirtualFolderDto") : undefined);
        if (refused) return refused;
        const name = request.query.get("name") ?? "";
        const collectionType = request.query.get("collectionType") ?? "";
        if (name.trim() === "") return { status: 400, body: "name is required" };
        if (collectionType !== "" && !collectionTypes.includes(collectionType)) {
          return {
            status: 400,
            body: { errors: { collectionType: [`The value '${collectionType}' is not valid.`] } },
          };
        }
        if (state.libraries.some((library) => library.Name.toLowerCase() === name.toLowerCase())) {
          return { status: 400, body: "A media library with the name " + name + " already exists." };
        }
        const paths = (request.query.get("paths") ?? "").split(",").filter((path) => path !== "");
        for (const path of paths) {
          const local = path.startsWith("/data/") ? join(options.dataRoot, path.slice(5)) : undefined;
          try {
            if (local === undefined || !statSync(local).isDirectory()) throw new Error("missing");
          } catch {
            return { status: 400, body: `The path ${path} does not exist.` };
          }
        }
        state.libraries.push({ Name: name, CollectionType: collectionType, Locations: paths });
        return { status: 204 };
      },
    },
  ];
  const server = await startFakeServer(routes, options.listen ? { listen: options.listen } : {});
  return { ...server, state };
}
