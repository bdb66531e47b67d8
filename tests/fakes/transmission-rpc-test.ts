// The download-client save-time test Sonarr and Radarr run for Transmission (TransmissionBase.Test):
// the session-id handshake with basic auth, session-get for the version (2.40 or newer), torrent-get.
import type { FakeNetwork } from "./fake-http.js";
import { resolveInNetwork } from "./fake-http.js";
import type { ValidationFailure } from "./provider-collection.js";
import { asText } from "./qbittorrent-login-test.js";

/** Sonarr's HttpRequestBuilder(useSsl, host, port, urlBase).Resource("rpc") (TransmissionProxy.BuildRequest). */
function rpcUrl(network: FakeNetwork, settings: Record<string, unknown>): string {
  const scheme = settings.useSsl === true ? "https" : "http";
  const urlBase = asText(settings.urlBase).replace(/^\/*/, "/").replace(/\/+$/, "");
  return resolveInNetwork(
    network,
    `${scheme}://${asText(settings.host)}:${asText(settings.port)}${urlBase === "/" ? "" : urlBase}/rpc`,
  );
}

/**
 * TransmissionProxy.AuthenticateClient: a request without a session id must get 409 with
 * X-Transmission-Session-Id (anything else is "Failed to authenticate with Transmission"); then
 * ProcessRequest posts `{method, arguments}` with that id; a `result` other than "success" fails.
 * Transmission.ValidateVersion wants session-get's `version` at 2.40 or newer; TestGetTorrents then
 * runs torrent-get. Failures carry TransmissionBase.TestConnection's property names and messages.
 */
export async function testTransmissionConnection(
  network: FakeNetwork,
  settings: Record<string, unknown>,
): Promise<ValidationFailure[]> {
  const url = rpcUrl(network, settings);
  const authorization = `Basic ${Buffer.from(`${asText(settings.username)}:${asText(settings.password)}`).toString("base64")}`;
  const authFailure: ValidationFailure = { propertyName: "Username", errorMessage: "Authentication failure" };
  try {
    const handshake = await fetch(url, { headers: { Authorization: authorization }, redirect: "manual" });
    await handshake.text();
    const sessionId = handshake.headers.get("x-transmission-session-id");
    if (handshake.status !== 409) return [authFailure];
    if (sessionId === null)
      return [{ propertyName: "", errorMessage: "Remote host did not return a Session Id." }];
    const rpc = async (
      method: string,
      args?: unknown,
    ): Promise<Record<string, unknown> | ValidationFailure> => {
      const answer = await fetch(url, {
        method: "POST",
        headers: {
          Authorization: authorization,
          "X-Transmission-Session-Id": sessionId,
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ method, ...(args !== undefined ? { arguments: args } : {}) }),
      });
      if (answer.status === 401) return authFailure;
      const body = (await answer.json().catch(() => undefined)) as
        { result?: unknown; arguments?: Record<string, unknown> } | undefined;
      if (body?.result !== "success") {
        return {
          propertyName: "",
          errorMessage: `Unknown exception: ${asText(body?.result) || "Unexpected response"}`,
        };
      }
      return body.arguments ?? {};
    };
    const session = await rpc("session-get");
    if ("errorMessage" in session) return [session as ValidationFailure];
    const version = /(\d+)\.(\d+)/.exec(asText(session.version));
    if (version === null || Number(version[1]) * 100 + Number(version[2]) < 240) {
      return [
        { propertyName: "", errorMessage: "Transmission version not supported, should be 2.40 or higher." },
      ];
    }
    const torrents = await rpc("torrent-get", { fields: ["id", "hashString", "name", "downloadDir"] });
    if ("errorMessage" in torrents) {
      return [
        {
          propertyName: "",
          errorMessage: `Failed to get the list of torrents: ${(torrents as ValidationFailure).errorMessage}`,
        },
      ];
    }
    return [];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [{ propertyName: "Host", errorMessage: `Unable to connect to Transmission (${reason})` }];
  }
}
