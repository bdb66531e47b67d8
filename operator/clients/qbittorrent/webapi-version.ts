// The Web API version decides which endpoints and fields the client sends (pause vs stop, paused vs
// stopped). Pure: the client asks qBittorrent once per session and consults these functions.

import { QbittorrentProtocolError } from "./errors.js";

export interface WebapiVersion {
  major: number;
  minor: number;
  patch: number;
  /** As qBittorrent sent it, e.g. "2.8.19". */
  text: string;
}

/** Parses `/api/v2/app/webapiVersion` ("2.8.19", "2.11", "2.15.1"). */
export function parseWebapiVersion(text: string): WebapiVersion {
  const trimmed = text.trim();
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(trimmed);
  if (match === null) {
    throw new QbittorrentProtocolError(`qBittorrent reported an unreadable Web API version "${trimmed}"`, {
      endpoint: "app/webapiVersion",
    });
  }
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? 0 : Number(match[3]),
    text: trimmed,
  };
}

export function isWebapiAtLeast(version: WebapiVersion, major: number, minor: number, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

/** qBittorrent 5.0 (Web API 2.11) renamed pause/resume to stop/start and `paused` to `stopped`. */
export function usesStopStart(version: WebapiVersion): boolean {
  return isWebapiAtLeast(version, 2, 11);
}

export function pauseEndpoint(version: WebapiVersion): "torrents/pause" | "torrents/stop" {
  return usesStopStart(version) ? "torrents/stop" : "torrents/pause";
}

export function resumeEndpoint(version: WebapiVersion): "torrents/resume" | "torrents/start" {
  return usesStopStart(version) ? "torrents/start" : "torrents/resume";
}

export function addStoppedField(version: WebapiVersion): "paused" | "stopped" {
  return usesStopStart(version) ? "stopped" : "paused";
}
