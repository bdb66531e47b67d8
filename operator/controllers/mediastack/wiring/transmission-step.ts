// The Transmission link: its download directory set to /data/torrents through the RPC's session-set,
// so what Sonarr and Radarr grab lands on the volume the libraries are on (hardlinks work).
import { transmissionDownloadDir } from "./desired-entries.js";
import { LinkFailure, failureOutcome } from "./link-outcome.js";
import type { StepResult, WiringEnvironment } from "./wiring-environment.js";

/**
 * LinuxServer's image starts with /downloads/complete (its init-transmission-config/run makes
 * /downloads/{complete,incomplete} and copies defaults/settings.json), a path the stack does not
 * mount: session-set `download-dir` (rpc-spec.txt 4.1) moves it onto /data. A directory set by hand
 * is put back, like a drifted owned entry elsewhere. The same init script turns RPC authentication on
 * with USER/PASS and leaves rpc-whitelist and rpc-host-whitelist off without WHITELIST/HOST_WHITELIST,
 * so Sonarr, Radarr and the operator reach it from any pod with the login.
 */
export async function wireTransmissionDownloadDir(env: WiringEnvironment): Promise<StepResult> {
  const client = env.transmission();
  try {
    const session = await client.sessionGet();
    const current = (session["download-dir"] ?? "").replace(/\/+$/, "");
    if (current === transmissionDownloadDir) {
      return { message: `download directory ${transmissionDownloadDir}` };
    }
    await client.sessionSet({ "download-dir": transmissionDownloadDir });
    return { message: `download directory set to ${transmissionDownloadDir}` };
  } catch (error) {
    const { reason, message } = failureOutcome(error, "transmission", "AppRefusedRequest");
    throw new LinkFailure(reason, message);
  }
}
