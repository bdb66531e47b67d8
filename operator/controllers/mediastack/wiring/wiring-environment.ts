// What every wiring step works with: the stack's address, its generated secrets, clients for the apps
// (at their Service URLs, aliased when the operator runs outside the cluster) and the last applied hashes.
import type { BazarrClient } from "../../../clients/bazarr/client.js";
import type { JellyfinClient } from "../../../clients/jellyfin/client.js";
import type { QbittorrentClient } from "../../../clients/qbittorrent/client.js";
import type { ServarrClient } from "../../../clients/servarr/client.js";
import type { TransmissionClient } from "../../../clients/transmission/client.js";
import type { QbittorrentCredentials } from "../render/credentials-secret.js";
import type { StackApiKeys } from "../render/api-keys-secret.js";
import type { StackAddress } from "./desired-entries.js";

export interface WiringEnvironment {
  readonly stack: StackAddress;
  readonly apiKeys: StackApiKeys;
  /** Present while qBittorrent is enabled. */
  readonly qbittorrentCredentials?: QbittorrentCredentials;
  servarr(app: "sonarr" | "radarr" | "prowlarr"): ServarrClient;
  qbittorrent(): QbittorrentClient;
  jellyfin(): JellyfinClient;
  bazarr(): BazarrClient;
  /** Logs in with the api-keys Secret's transmission-username/-password. */
  transmission(): TransmissionClient;
  /** What this link last wrote, from status.wiring.links[].appliedHash. */
  lastHash(link: string): string | undefined;
}

/** What a step reports when its link is in place. */
export interface StepResult {
  readonly message: string;
  readonly appliedHash?: string;
  /** Jellyfin's API key, once read, for the api-keys Secret. */
  readonly jellyfinApiKey?: string;
}
