// Runs the planned wiring links of one stack in order, each only once its apps' Deployments are available
// and they answer; a link that waits or fails is reported and the others still run.
import { BazarrClient } from "../../../clients/bazarr/client.js";
import { JellyfinClient } from "../../../clients/jellyfin/client.js";
import { QbittorrentClient } from "../../../clients/qbittorrent/client.js";
import type { LoginBackoff } from "../../../clients/qbittorrent/login-backoff.js";
import { ServarrClient } from "../../../clients/servarr/client.js";
import { aliasedUrl } from "../../../clients/service-url-aliases.js";
import { TransmissionClient } from "../../../clients/transmission/client.js";
import type { MediaStack } from "../../../generated/mediastack.js";
import { appCatalog, type AppName } from "../catalog.js";
import type { QbittorrentCredentials } from "../render/credentials-secret.js";
import type { StackApiKeys } from "../render/api-keys-secret.js";
import { appServiceUrl } from "../stack-settings.js";
import { stackIdentity } from "../stack-identity.js";
import { wireDownloadClient, wireMediaFolders, wireProwlarrApplication } from "./arr-steps.js";
import { wireBazarrConnection } from "./bazarr-steps.js";
import { jellyfinLibraries, jellyfinMusicLibrary } from "./desired-entries.js";
import { wireJellyfinLibraries, wireJellyfinSetup } from "./jellyfin-steps.js";
import { LinkFailure, failureOutcome, waitingFor, type LinkOutcome } from "./link-outcome.js";
import { plannedLinks, type WiringLink } from "./links.js";
import { wireQbittorrentCategories } from "./qbittorrent-step.js";
import { wireTransmissionDownloadDir } from "./transmission-step.js";
import type { StepResult, WiringEnvironment } from "./wiring-environment.js";

export interface WiringOptions {
  /** Service URL prefix → reachable URL, for an operator outside the cluster (tests, the demo). */
  readonly urlAliases?: ReadonlyMap<string, string>;
  /** Per request to an app; an app that does not answer within it counts as not up yet. */
  readonly requestTimeoutMs: number;
  /**
   * The login backoff of the qBittorrent at a URL, shared with every other client of it (the Torrent
   * controller's pollers), so failed logins never add up to qBittorrent's ban.
   */
  readonly qbittorrentLoginBackoff: (url: string) => LoginBackoff;
}

export interface WiringInputs {
  readonly stack: MediaStack;
  readonly apiKeys: StackApiKeys;
  readonly qbittorrentCredentials?: QbittorrentCredentials;
  /** Whether the app's Deployment is available with the current spec. */
  readonly appAvailable: (app: AppName) => boolean;
  /** status.wiring.links as last written. */
  readonly previous: ReadonlyArray<{ readonly name: string; readonly appliedHash?: string }>;
}

export interface WiringReport {
  readonly planned: readonly WiringLink[];
  readonly links: readonly LinkOutcome[];
  /** Jellyfin's API key as read from Jellyfin this run, when the setup link ran. */
  readonly jellyfinApiKey?: string;
}

function environment(inputs: WiringInputs, options: WiringOptions): WiringEnvironment {
  const stack = stackIdentity(inputs.stack);
  const url = (app: AppName): string =>
    aliasedUrl(appServiceUrl(stack.name, stack.namespace, app), options.urlAliases);
  const timeoutMs = options.requestTimeoutMs;
  const hashes = new Map(inputs.previous.map((link) => [link.name, link.appliedHash]));
  return {
    stack,
    apiKeys: inputs.apiKeys,
    ...(inputs.qbittorrentCredentials ? { qbittorrentCredentials: inputs.qbittorrentCredentials } : {}),
    servarr: (app) =>
      new ServarrClient({
        url: url(app),
        apiVersion: app === "prowlarr" ? "v1" : "v3",
        apiKey: inputs.apiKeys[app],
        appName: appCatalog[app].displayName,
        timeoutMs,
      }),
    qbittorrent: () =>
      new QbittorrentClient({
        url: url("qbittorrent"),
        loginBackoff: options.qbittorrentLoginBackoff(
          appServiceUrl(stack.name, stack.namespace, "qbittorrent"),
        ),
        username: inputs.qbittorrentCredentials?.username,
        password: inputs.qbittorrentCredentials?.password,
        timeoutMs,
      }),
    jellyfin: () =>
      new JellyfinClient({
        url: url("jellyfin"),
        timeoutMs,
        deviceId: `mediaplane-${inputs.stack.metadata?.uid ?? stack.name}`,
      }),
    bazarr: () => new BazarrClient({ url: url("bazarr"), apiKey: inputs.apiKeys.bazarr, timeoutMs }),
    transmission: () =>
      new TransmissionClient({
        url: url("transmission"),
        username: inputs.apiKeys.transmissionUsername,
        password: inputs.apiKeys.transmissionPassword,
        timeoutMs,
      }),
    lastHash: (link) => hashes.get(link),
  };
}

/**
 * Whether an app answers at all (the *arr apps' /ping, Jellyfin's public info, Bazarr's
 * /api/system/ping, Transmission's session-get, which also proves the login before Sonarr's and
 * Radarr's save-time tests try it); qBittorrent's own calls tell.
 */
async function answers(env: WiringEnvironment, app: AppName): Promise<void> {
  if (app === "sonarr" || app === "radarr" || app === "prowlarr") await env.servarr(app).ping();
  if (app === "jellyfin") await env.jellyfin().publicInfo();
  if (app === "bazarr") await env.bazarr().ping();
  if (app === "transmission") await env.transmission().sessionGet();
}

async function runStep(
  env: WiringEnvironment,
  link: WiringLink,
  jellyfinApiKey: string | undefined,
): Promise<StepResult> {
  switch (link.name) {
    case "qbittorrent-categories":
      return wireQbittorrentCategories(env);
    case "transmission-download-dir":
      return wireTransmissionDownloadDir(env);
    case "sonarr-download-client":
      return wireDownloadClient(env, "sonarr", link.name, link.downloader ?? "qbittorrent");
    case "radarr-download-client":
      return wireDownloadClient(env, "radarr", link.name, link.downloader ?? "qbittorrent");
    case "sonarr-media-folders":
      return wireMediaFolders(env, "sonarr");
    case "radarr-media-folders":
      return wireMediaFolders(env, "radarr");
    case "prowlarr-sonarr":
      return wireProwlarrApplication(env, "sonarr", link.name);
    case "prowlarr-radarr":
      return wireProwlarrApplication(env, "radarr", link.name);
    case "jellyfin-setup":
      return wireJellyfinSetup(env);
    case "jellyfin-libraries":
      return wireJellyfinLibraries(env, jellyfinApiKey, jellyfinLibraries);
    case "jellyfin-music-library":
      return wireJellyfinLibraries(env, jellyfinApiKey, [jellyfinMusicLibrary]);
    case "bazarr-sonarr":
      return wireBazarrConnection(env, "sonarr", link.name);
    case "bazarr-radarr":
      return wireBazarrConnection(env, "radarr", link.name);
    default:
      throw new Error(`no step for wiring link ${link.name}`);
  }
}

export async function wireStack(inputs: WiringInputs, options: WiringOptions): Promise<WiringReport> {
  const planned = plannedLinks(inputs.stack.spec);
  const env = environment(inputs, options);
  const up = new Map<AppName, Promise<LinkFailure | undefined>>();
  const whetherUp = (app: AppName): Promise<LinkFailure | undefined> => {
    let known = up.get(app);
    if (known === undefined) {
      known = inputs.appAvailable(app)
        ? answers(env, app).then(
            () => undefined,
            (error: unknown) => {
              const { reason, message } = failureOutcome(error, app, "AppRefusedRequest");
              return new LinkFailure(reason, message);
            },
          )
        : Promise.resolve(
            new LinkFailure(
              waitingFor(app),
              `${appCatalog[app].displayName}'s Deployment is not available yet`,
            ),
          );
      up.set(app, known);
    }
    return known;
  };

  let jellyfinApiKey = inputs.apiKeys.jellyfinApiKey;
  let readJellyfinKey: string | undefined;
  const links: LinkOutcome[] = [];
  for (const link of planned) {
    const previousHash = env.lastHash(link.name);
    const kept = previousHash !== undefined ? { appliedHash: previousHash } : {};
    try {
      for (const app of link.apps) {
        const down = await whetherUp(app);
        if (down) throw down;
      }
      const result = await runStep(env, link, jellyfinApiKey);
      if (result.jellyfinApiKey !== undefined) jellyfinApiKey = readJellyfinKey = result.jellyfinApiKey;
      const hash = result.appliedHash ?? previousHash;
      links.push({
        name: link.name,
        wired: true,
        reason: "Wired",
        message: result.message,
        ...(hash !== undefined ? { appliedHash: hash } : {}),
      });
    } catch (error) {
      if (!(error instanceof LinkFailure)) throw error;
      links.push({ name: link.name, wired: false, reason: error.reason, message: error.message, ...kept });
    }
  }
  return { planned, links, ...(readJellyfinKey !== undefined ? { jellyfinApiKey: readJellyfinKey } : {}) };
}
