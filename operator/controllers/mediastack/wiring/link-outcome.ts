// A link's result and how a client failure becomes one of the Wired condition's reasons, in one place:
// unreachable means waiting, 401 names the app whose key was refused, a 400 carries the app's own words.
import {
  BazarrRejectedError,
  BazarrUnauthorizedError,
  BazarrUnreachableError,
} from "../../../clients/bazarr/client.js";
import {
  JellyfinRejectedError,
  JellyfinUnauthorizedError,
  JellyfinUnreachableError,
} from "../../../clients/jellyfin/client.js";
import { QbittorrentError } from "../../../clients/qbittorrent/errors.js";
import {
  ServarrRejectedError,
  ServarrUnauthorizedError,
  ServarrUnreachableError,
  ServarrValidationError,
  describeFailures,
} from "../../../clients/servarr/errors.js";
import {
  TransmissionRejectedError,
  TransmissionUnauthorizedError,
  TransmissionUnreachableError,
} from "../../../clients/transmission/client.js";
import { withoutTransportCode } from "../../../framework/http-request.js";
import type { AppName } from "../catalog.js";
import type { MediaStackConditionReason } from "../condition-reasons.js";

export type WiredReason = MediaStackConditionReason<"Wired">;

export interface LinkOutcome {
  readonly name: string;
  readonly wired: boolean;
  readonly reason: WiredReason;
  readonly message: string;
  /** Kept from the last write when nothing was written this time. */
  readonly appliedHash?: string;
}

/** A failure a step throws on purpose, with the reason already chosen. */
export class LinkFailure extends Error {
  override readonly name = "LinkFailure";
  constructor(
    readonly reason: WiredReason,
    message: string,
  ) {
    super(message);
  }
}

const waitingReason: Partial<Record<AppName, WiredReason>> = {
  prowlarr: "WaitingForProwlarr",
  sonarr: "WaitingForSonarr",
  radarr: "WaitingForRadarr",
  qbittorrent: "WaitingForQbittorrent",
  jellyfin: "WaitingForJellyfin",
  bazarr: "WaitingForBazarr",
  transmission: "WaitingForTransmission",
};

const rejectedKeyReason: Partial<Record<AppName, WiredReason>> = {
  prowlarr: "ProwlarrRejectedApiKey",
  sonarr: "SonarrRejectedApiKey",
  radarr: "RadarrRejectedApiKey",
  bazarr: "BazarrRejectedApiKey",
};

export function waitingFor(app: AppName): WiredReason {
  return waitingReason[app] ?? "AppRefusedRequest";
}

/** What the app answered, as a reason; `app` is the one the failing request went to. */
export function failureOutcome(
  error: unknown,
  app: AppName,
  refusedAs: WiredReason,
): { reason: WiredReason; message: string } {
  if (error instanceof LinkFailure) return { reason: error.reason, message: error.message };
  if (
    error instanceof ServarrUnreachableError ||
    error instanceof JellyfinUnreachableError ||
    error instanceof BazarrUnreachableError ||
    error instanceof TransmissionUnreachableError
  ) {
    return { reason: waitingFor(app), message: withoutTransportCode(error.message) };
  }
  if (error instanceof ServarrUnauthorizedError || error instanceof BazarrUnauthorizedError) {
    return { reason: rejectedKeyReason[app] ?? "AppRefusedRequest", message: error.message };
  }
  if (error instanceof ServarrValidationError) {
    return { reason: refusedAs, message: describeFailures(error.failures) || error.message };
  }
  if (error instanceof TransmissionUnauthorizedError)
    return { reason: "TransmissionLoginFailed", message: error.message };
  if (
    error instanceof ServarrRejectedError ||
    error instanceof JellyfinRejectedError ||
    error instanceof BazarrRejectedError ||
    error instanceof TransmissionRejectedError
  ) {
    return { reason: "AppRefusedRequest", message: error.message };
  }
  if (error instanceof JellyfinUnauthorizedError)
    return { reason: "JellyfinAdminRefused", message: error.message };
  if (error instanceof QbittorrentError) {
    if (error.reason === "QbittorrentUnreachable")
      return { reason: "WaitingForQbittorrent", message: withoutTransportCode(error.message) };
    return { reason: "QbittorrentLoginFailed", message: error.message };
  }
  throw error;
}
