// The operator's winston logger: json for clusters, colourless console for people; every
// line about an object carries it (child loggers with `object` and `controller`).
import winston, { type Logger } from "winston";

export type LogFormat = "json" | "console";

export function createLogger(level: string, format: LogFormat): Logger {
  const consoleFormat = winston.format.printf(({ level: lvl, message, timestamp, ...meta }) => {
    const fields = Object.entries(meta)
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    return `${String(timestamp)} ${lvl.toUpperCase().padEnd(5)} ${String(message)}${fields ? ` ${fields}` : ""}`;
  });
  return winston.createLogger({
    level,
    format: winston.format.combine(
      winston.format.timestamp(),
      format === "json" ? winston.format.json() : consoleFormat,
    ),
    transports: [new winston.transports.Console({ stderrLevels: ["error", "warn"] })],
  });
}

/** A logger that drops everything: for tests and library defaults. */
export function silentLogger(): Logger {
  return winston.createLogger({
    silent: true,
    transports: [new winston.transports.Console({ silent: true })],
  });
}
