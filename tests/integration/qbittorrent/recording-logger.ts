// A QbittorrentLogger that keeps every line, so integration tests can count the real requests the
// client sent (its debug lines) and check that no secret ever reaches a log.
import type { QbittorrentLogger } from "../../../operator/clients/qbittorrent/logger.js";

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  meta: Record<string, unknown> | undefined;
}

export interface RecordingLogger extends QbittorrentLogger {
  lines: LogLine[];
  /** Requests the client sent to `endpoint` (e.g. "torrents/add") since the last clear(). */
  requests(endpoint: string): LogLine[];
  /** Every line as JSON text, for "the password never appears" checks. */
  serialized(): string;
  clear(): void;
}

export function recordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  const record =
    (level: LogLine["level"]) =>
    (message: string, meta?: Record<string, unknown>): void => {
      lines.push({ level, message, meta });
    };
  return {
    lines,
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
    requests: (endpoint) =>
      lines.filter((line) => line.message === "qBittorrent request" && line.meta?.endpoint === endpoint),
    serialized: () => lines.map((line) => JSON.stringify(line)).join("\n"),
    clear: () => {
      lines.length = 0;
    },
  };
}
