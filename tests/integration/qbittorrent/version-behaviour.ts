// What each tested qbittorrent-nox really answers, as read off the real 4.5.2, 5.1.0 and 5.3.0 binaries:
// the tests assert these per version, so a new Debian release with other answers fails until reviewed.
import type { AddTorrentsResult } from "../../../operator/clients/qbittorrent/api-types.js";

type Release = "4.5" | "5.1" | "5.3";

function release(version: string): Release {
  const minor = version.split(".").slice(0, 2).join(".");
  if (minor === "4.5" || minor === "5.1" || minor === "5.3") return minor;
  throw new Error(`qBittorrent ${version} is not in version-behaviour.ts yet: check its answers and add it`);
}

export interface VersionBehaviour {
  readonly release: Release;
  /** /api/v2/app/webapiVersion. */
  readonly webapiVersion: RegExp;
  /** A successful login: 200 "Ok." up to 5.1, 204 "" from 5.2. */
  readonly loginOk: { readonly status: number; readonly body: string };
  /** A refused login: 200 "Fails." up to 5.1, 401 "Unauthorized" from 5.2. */
  readonly loginRefused: { readonly status: number; readonly body: string };
  /** The session cookie's name: SID up to 5.1, QBT_SID_<WebUI port> from 5.2. */
  sessionCookie(port: number): string;
  /** A magnet torrent stopped while waiting for metadata: pausedDL on 4.x, stoppedDL from 5.0. */
  readonly stoppedMetaState: string;
  /** The pause/resume endpoints the version has (the others answer 404). */
  readonly stopEndpoints: { readonly stop: string; readonly start: string; readonly missing: string[] };
  /** /torrents/add of new magnets: "Ok." up to 5.1, JSON counts with the added ids from 5.2. */
  added(ids: readonly string[]): AddTorrentsResult;
  /** /torrents/add when nothing was new (duplicates, a refused magnet): "Fails." up to 5.1, 409 from 5.2. */
  readonly nothingAdded: AddTorrentsResult;
  /** Whether WebUI\APIKey and `Authorization: Bearer` exist (5.2+; not in 5.1). */
  readonly hasApiKey: boolean;
  /**
   * Where the version reads the WebUI settings: [Preferences] WebUI\Port up to 5.1; 5.3 reads [WebUI] Port
   * and its config migration moves the old keys there once (Meta\MigrationVersion=12).
   */
  readonly webuiSection: "Preferences" | "WebUI";
}

export function versionBehaviour(version: string): VersionBehaviour {
  const which = release(version);
  const json = which === "5.3";
  return {
    release: which,
    webapiVersion: { "4.5": /^2\.8\.19$/, "5.1": /^2\.11\.4$/, "5.3": /^2\.16\.\d+$/ }[which],
    loginOk: json ? { status: 204, body: "" } : { status: 200, body: "Ok." },
    loginRefused: json ? { status: 401, body: "Unauthorized" } : { status: 200, body: "Fails." },
    sessionCookie: (port) => (json ? `QBT_SID_${port}` : "SID"),
    stoppedMetaState: which === "4.5" ? "pausedDL" : "stoppedDL",
    stopEndpoints:
      which === "4.5"
        ? { stop: "torrents/pause", start: "torrents/resume", missing: ["torrents/stop", "torrents/start"] }
        : { stop: "torrents/stop", start: "torrents/start", missing: ["torrents/pause", "torrents/resume"] },
    added: (ids) =>
      json
        ? {
            kind: "counts",
            status: 200,
            successCount: ids.length,
            failureCount: 0,
            pendingCount: 0,
            addedTorrentIds: [...ids],
          }
        : { kind: "ok" },
    nothingAdded: json ? { kind: "conflict", message: "Conflict" } : { kind: "fails" },
    hasApiKey: json,
    webuiSection: which === "5.3" ? "WebUI" : "Preferences",
  };
}
