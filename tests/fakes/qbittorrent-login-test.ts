// The download-client save-time test Sonarr and Radarr run (QBittorrent.Test): log into qBittorrent with
// the host, port and credentials given, read its version, create the category when it is missing.
import type { FakeNetwork } from "./fake-http.js";
import { resolveInNetwork } from "./fake-http.js";
import type { ValidationFailure } from "./provider-collection.js";

/** A setting as the app would send it: strings as they are, anything else empty. */
export function asText(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

function form(values: Record<string, string>): string {
  return new URLSearchParams(values).toString();
}

export async function testQbittorrentConnection(
  network: FakeNetwork,
  settings: Record<string, unknown>,
  categoryField: string,
): Promise<ValidationFailure[]> {
  const scheme = settings.useSsl === true ? "https" : "http";
  const urlBase = typeof settings.urlBase === "string" ? settings.urlBase.replace(/\/+$/, "") : "";
  const base = resolveInNetwork(
    network,
    `${scheme}://${String(settings.host)}:${String(settings.port)}${urlBase}`,
  );
  let cookie: string | undefined;
  try {
    const login = await fetch(`${base}/api/v2/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form({ username: asText(settings.username), password: asText(settings.password) }),
    });
    const text = await login.text();
    const loggedIn = login.status === 204 || (login.status === 200 && text.trim() === "Ok.");
    if (!loggedIn) {
      return [{ propertyName: "Username", errorMessage: "Authentication failure" }];
    }
    cookie = login.headers.get("set-cookie")?.split(";")[0];
    const headers = cookie ? { Cookie: cookie } : undefined;
    const version = await fetch(`${base}/api/v2/app/webapiVersion`, { headers });
    if (version.status !== 200)
      return [{ propertyName: "Host", errorMessage: "Unable to connect to qBittorrent" }];
    const category = settings[categoryField];
    if (typeof category === "string" && category !== "") {
      const categories = (await (
        await fetch(`${base}/api/v2/torrents/categories`, { headers })
      ).json()) as Record<string, unknown>;
      if (categories[category] === undefined) {
        const created = await fetch(`${base}/api/v2/torrents/createCategory`, {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
          body: form({ category }),
        });
        if (created.status !== 200 && created.status !== 204) {
          return [{ propertyName: categoryField, errorMessage: "Failed to configure qBittorrent category" }];
        }
      }
    }
    return [];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [{ propertyName: "Host", errorMessage: `Unable to connect to qBittorrent (${reason})` }];
  }
}
