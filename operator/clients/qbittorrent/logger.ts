// The logging surface every qBittorrent client module writes to: winston-compatible, so main.ts can
// hand in its winston logger; modules never log secrets (passwords, API keys, cookies) through it.

export interface QbittorrentLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

const ignore = (): void => {};

/** The default: drops every line. */
export const silentQbittorrentLogger: QbittorrentLogger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
};
