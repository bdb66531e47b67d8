// The Bazarr links: Bazarr connected to Sonarr and to Radarr (their in-cluster Service and generated API
// key) through its settings API. Bazarr has one connection per app, so the link owns those settings.
import { appliedHash, sameJson } from "./applied-hash.js";
import { arrMedia, bazarrConnection, type ArrApp } from "./desired-entries.js";
import { LinkFailure, failureOutcome } from "./link-outcome.js";
import type { StepResult, WiringEnvironment } from "./wiring-environment.js";

/**
 * Rewritten when what Bazarr shows of the connection (use_<app>, ip, port, base_url, ssl) differs or
 * the hash of what we last wrote changed (a rotated key): the key itself is never compared.
 */
export async function wireBazarrConnection(
  env: WiringEnvironment,
  app: ArrApp,
  link: string,
): Promise<StepResult> {
  const client = env.bazarr();
  const desired = bazarrConnection(env.stack, app, env.apiKeys[app]);
  const hash = appliedHash(desired.form);
  const name = arrMedia[app].displayName;
  try {
    const settings = await client.settings();
    const section = settings[app] ?? {};
    const shown = {
      use: settings.general?.[`use_${app}`],
      ip: section.ip,
      port: section.port,
      base_url: section.base_url,
      ssl: section.ssl,
    };
    if (hash === env.lastHash(link) && sameJson(shown, desired.visible)) {
      return { message: `Bazarr connected to ${name}`, appliedHash: hash };
    }
    await client.saveSettings(desired.form);
    return { message: `Bazarr connected to ${name} (settings written)`, appliedHash: hash };
  } catch (error) {
    const { reason, message } = failureOutcome(error, "bazarr", "AppRefusedRequest");
    // A validator's 406 message quotes the value it refused ("... but it is <value>"): never a key.
    throw new LinkFailure(reason, message.replaceAll(env.apiKeys[app], "********"));
  }
}
