// A winston logger that keeps every entry in memory, so a test can read what the framework decided
// (a retry's scheduled delay) instead of timing it on a machine that may be busy.
import { Writable } from "node:stream";
import winston, { type Logger } from "winston";

export type LogEntry = Record<string, unknown> & { level: string; message: string };

export function recordingLogger(): { log: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const stream = new Writable({
    objectMode: true,
    write(entry: LogEntry, _encoding, next): void {
      entries.push(entry);
      next();
    },
  });
  const log = winston.createLogger({
    level: "debug",
    transports: [new winston.transports.Stream({ stream })],
  });
  return { log, entries };
}
