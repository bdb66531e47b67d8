// The Jellyfin links: the first-run wizard finished with the generated admin (before anyone else can),
// an API key named mediaplane read back for the Secret, and the libraries Movies and Shows (and Music) on
// /data/media.
import type { JellyfinClient } from "../../../clients/jellyfin/client.js";
import { ownedJellyfinApiKeyApp } from "./desired-entries.js";
import { LinkFailure, failureOutcome } from "./link-outcome.js";
import type { StepResult, WiringEnvironment } from "./wiring-environment.js";

async function finishWizard(client: JellyfinClient, username: string, password: string): Promise<boolean> {
  const info = await client.publicInfo();
  if (info.StartupWizardCompleted === true) return false;
  await client.setStartupConfiguration({
    UICulture: "en-US",
    MetadataCountryCode: "US",
    PreferredMetadataLanguage: "en",
  });
  await client.startupUser();
  await client.setStartupUser(username, password);
  await client.setRemoteAccess(true);
  await client.completeWizard();
  return true;
}

async function ownedApiKey(client: JellyfinClient, token: string): Promise<string> {
  const find = async (): Promise<string | undefined> =>
    (await client.apiKeys(token)).find((key) => key.AppName === ownedJellyfinApiKeyApp)?.AccessToken;
  const existing = await find();
  if (existing !== undefined) return existing;
  await client.createApiKey(token, ownedJellyfinApiKeyApp);
  const created = await find();
  if (created === undefined)
    throw new LinkFailure("AppRefusedRequest", "Jellyfin created no API key mediaplane");
  return created;
}

export async function wireJellyfinSetup(env: WiringEnvironment): Promise<StepResult> {
  const client = env.jellyfin();
  const { jellyfinAdminUsername: username, jellyfinAdminPassword: password } = env.apiKeys;
  try {
    const finished = await finishWizard(client, username, password);
    let token: string;
    try {
      token = await client.authenticateByName(username, password);
    } catch (error) {
      const { reason, message } = failureOutcome(error, "jellyfin", "AppRefusedRequest");
      if (reason !== "JellyfinAdminRefused") throw new LinkFailure(reason, message);
      throw new LinkFailure(
        reason,
        `Jellyfin's wizard was completed by someone else: admin ${username} from the api-keys Secret cannot log in`,
      );
    }
    const apiKey = await ownedApiKey(client, token);
    return {
      message: `${finished ? "wizard completed" : "wizard already complete"}, admin ${username} logs in, API key ${ownedJellyfinApiKeyApp} stored`,
      jellyfinApiKey: apiKey,
    };
  } catch (error) {
    if (error instanceof LinkFailure) throw error;
    const { reason, message } = failureOutcome(error, "jellyfin", "AppRefusedRequest");
    throw new LinkFailure(reason, message);
  }
}

export async function wireJellyfinLibraries(
  env: WiringEnvironment,
  apiKey: string | undefined,
  libraries: ReadonlyArray<{ readonly name: string; readonly collectionType: string; readonly path: string }>,
): Promise<StepResult> {
  if (apiKey === undefined)
    throw new LinkFailure("WaitingForJellyfin", "waiting for Jellyfin's setup (no API key yet)");
  const client = env.jellyfin();
  try {
    const folders = await client.virtualFolders(apiKey);
    const created: string[] = [];
    for (const library of libraries) {
      if (folders.some((folder) => folder.Name === library.name)) continue;
      await client.addVirtualFolder(apiKey, library.name, library.collectionType, [library.path]);
      created.push(library.name);
    }
    const names = libraries.map((library) => library.name).join(", ");
    return {
      message: created.length > 0 ? `libraries ${created.join(", ")} created` : `libraries ${names} present`,
    };
  } catch (error) {
    const { reason, message } = failureOutcome(error, "jellyfin", "AppRefusedRequest");
    throw new LinkFailure(reason, message);
  }
}
