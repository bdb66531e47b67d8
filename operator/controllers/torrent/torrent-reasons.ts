// Every condition reason a Torrent reports, in the framework's ReasonTable: Available (the seed's
// TorrentActive) and Degraded keep the seed's troubleshooting guide true; Events come from the table.
import { conditionFrom, type ComputedCondition, type ReasonTable } from "../../framework/reasons.js";

export const torrentReasons = {
  Available: {
    TorrentActive: {
      status: "True",
      meaning:
        "qBittorrent holds the torrent (the message says downloading, seeding, fetching metadata, paused, queued or checking).",
    },
    TorrentError: {
      status: "False",
      event: "Warning",
      meaning: "qBittorrent reports an error for the torrent (Degraded=True with the same reason).",
    },
    MissingFiles: {
      status: "False",
      event: "Warning",
      meaning: "The torrent's files are missing from its save path (Degraded=True with the same reason).",
    },
    UnknownState: {
      status: "False",
      event: "Warning",
      meaning: "qBittorrent reports the state unknown (Degraded=True with the same reason).",
    },
    WaitingForMediaStack: {
      status: "False",
      event: "Normal",
      meaning: "client_ref names a MediaStack that does not exist yet, or whose qBittorrent is not ready.",
    },
    SecretNotFound: {
      status: "False",
      event: "Normal",
      meaning: "client_ref names a Secret that does not exist (yet); its creation wakes the Torrent.",
    },
    InvalidClientSecret: {
      status: "False",
      event: "Warning",
      meaning: "The client Secret lacks `url`, or both `username`/`password` and `api_key`.",
    },
    NoQbittorrentConfigured: {
      status: "False",
      event: "Warning",
      meaning: "No client_ref, and the operator has no default qBittorrent (QBITTORRENT_URL).",
    },
    ClientUnavailable: {
      status: "Unknown",
      event: "Warning",
      meaning:
        "qBittorrent cannot be reached (connection refused, timeout, 5xx, an unreadable answer); retried with backoff (5 s doubling to 60 s). The message names the URL and the client's precise reason (`QbittorrentUnreachable: …`).",
    },
    AuthenticationFailed: {
      status: "Unknown",
      event: "Warning",
      meaning:
        "qBittorrent refused the credentials, banned this IP, or the client holds back logins so it never reaches the ban (`QbittorrentLoginFailed`, `QbittorrentBanned`, `QbittorrentLoginBackoff`, `QbittorrentLoginSuspended`, `QbittorrentUnauthorized` in the message; never the password). Fixing the Secret gives the new credentials one attempt at once.",
    },
    DuplicateTorrent: {
      status: "False",
      event: "Warning",
      meaning: "Another Torrent already manages this hash (named in the message); this one never deletes it.",
    },
    InvalidMagnet: {
      status: "False",
      event: "Warning",
      meaning:
        "The magnet cannot be parsed or qBittorrent refused it (Stalled=True); not retried until the spec changes.",
    },
  },
  Degraded: {
    TorrentHealthy: { status: "False", meaning: "qBittorrent reports no error for the torrent." },
    TorrentError: { status: "True", meaning: "qBittorrent reports an error for the torrent." },
    MissingFiles: { status: "True", meaning: "The torrent's files are missing from its save path." },
    UnknownState: { status: "True", meaning: "qBittorrent reports the state unknown." },
    DuplicateTorrent: { status: "True", meaning: "Another Torrent already manages this hash." },
  },
} as const satisfies ReasonTable<"Available" | "Degraded">;

export type AvailableReason = keyof (typeof torrentReasons)["Available"];
export type DegradedReason = keyof (typeof torrentReasons)["Degraded"];

export function availableCondition(reason: AvailableReason, message: string): ComputedCondition<"Available"> {
  return conditionFrom(torrentReasons, "Available", reason, message);
}

export function degradedCondition(reason: DegradedReason, message: string): ComputedCondition<"Degraded"> {
  return conditionFrom(torrentReasons, "Degraded", reason, message);
}
