// The Sonarr and Radarr links: their qBittorrent download client, root folder and hardlinks, and their
// application in Prowlarr. Each is idempotent and touches only the entries the operator owns.
import { ServarrValidationError } from "../../../clients/servarr/errors.js";
import type { AppName } from "../catalog.js";
import {
  arrMedia,
  prowlarrApplication,
  qbittorrentDownloadClient,
  transmissionDownloadClient,
  type ArrApp,
} from "./desired-entries.js";
import type { Downloader } from "./links.js";
import { LinkFailure, failureOutcome, type WiredReason } from "./link-outcome.js";
import { ensureOwnedProvider } from "./owned-provider.js";
import type { StepResult, WiringEnvironment } from "./wiring-environment.js";

async function asLinkFailures<T>(app: AppName, refusedAs: WiredReason, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const { reason, message } = failureOutcome(error, app, refusedAs);
    throw new LinkFailure(reason, message);
  }
}

/** The stack's downloader's entry: qBittorrent with its credentials Secret, Transmission with USER/PASS. */
function desiredDownloadClient(env: WiringEnvironment, app: ArrApp, downloader: Downloader) {
  if (downloader === "transmission") {
    const { transmissionUsername: username, transmissionPassword: password } = env.apiKeys;
    return transmissionDownloadClient(env.stack, app, { username, password });
  }
  const credentials = env.qbittorrentCredentials;
  if (!credentials)
    throw new LinkFailure("WaitingForQbittorrent", "qBittorrent's credentials are not generated yet");
  return qbittorrentDownloadClient(env.stack, app, credentials);
}

export async function wireDownloadClient(
  env: WiringEnvironment,
  app: ArrApp,
  link: string,
  downloader: Downloader,
): Promise<StepResult> {
  const desired = desiredDownloadClient(env, app, downloader);
  const { action, hash } = await asLinkFailures(app, "DownloadClientTestFailed", () =>
    ensureOwnedProvider(env.servarr(app), "downloadclient", desired, env.lastHash(link)),
  );
  return {
    message: `${arrMedia[app].displayName} download client ${desired.name} ${action}`,
    appliedHash: hash,
  };
}

export async function wireMediaFolders(env: WiringEnvironment, app: ArrApp): Promise<StepResult> {
  const client = env.servarr(app);
  const { rootFolder, displayName } = arrMedia[app];
  return asLinkFailures(app, "RootFolderRefused", async () => {
    const folders = await client.listRootFolders();
    const created = !folders.some((folder) => folder.path.replace(/\/+$/, "") === rootFolder);
    if (created) await client.createRootFolder(rootFolder);
    const config = await client.mediaManagementConfig();
    const hardlinksSet = !config.copyUsingHardlinks;
    if (hardlinksSet) await client.updateMediaManagementConfig({ ...config, copyUsingHardlinks: true });
    return {
      message: `${displayName} root folder ${rootFolder} ${created ? "created" : "present"}, hardlinks ${hardlinksSet ? "turned on" : "on"}`,
    };
  });
}

/**
 * Prowlarr's save-time test calls the app with the key we give and the app calls Prowlarr back: a
 * failure on the apiKey field means the app refused its key, one on prowlarrUrl that it cannot reach Prowlarr.
 */
export async function wireProwlarrApplication(
  env: WiringEnvironment,
  app: ArrApp,
  link: string,
): Promise<StepResult> {
  const desired = prowlarrApplication(env.stack, app, env.apiKeys[app]);
  try {
    const { action, hash } = await ensureOwnedProvider(
      env.servarr("prowlarr"),
      "applications",
      desired,
      env.lastHash(link),
    );
    return { message: `Prowlarr application ${desired.name} ${action}`, appliedHash: hash };
  } catch (error) {
    if (
      error instanceof ServarrValidationError &&
      error.failures.some((failure) => failure.propertyName?.toLowerCase() === "apikey")
    ) {
      const reason = app === "sonarr" ? "SonarrRejectedApiKey" : "RadarrRejectedApiKey";
      throw new LinkFailure(reason, `Prowlarr's test of ${desired.name}: ${error.message}`);
    }
    const { reason, message } = failureOutcome(error, "prowlarr", "ApplicationTestFailed");
    throw new LinkFailure(reason, message);
  }
}
