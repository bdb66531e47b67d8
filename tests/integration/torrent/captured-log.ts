// A winston logger that keeps every line in memory (level debug), so Torrent integration tests can
// look for the seed's log lines, count the qBittorrent requests the client sent, and check for secrets.
import { Writable } from "node:stream";
import winston, { type Logger } from "winston";

export interface CapturedLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

export interface CapturedLog {
  log: Logger;
  lines: CapturedLine[];
  /** Lines with exactly this message. */
  withMessage(message: string): CapturedLine[];
  /** HTTP requests the qBittorrent client sent to `endpoint` (its debug lines). */
  requests(endpoint: string): CapturedLine[];
  /** Every line as JSON text, for "the password never appears" checks. */
  serialized(): string;
}

export function capturedLog(): CapturedLog {
  const lines: CapturedLine[] = [];
  const sink = new Writable({
    objectMode: true,
    write(info: CapturedLine, _encoding, done) {
      lines.push(info);
      done();
    },
  });
  const log = winston.createLogger({
    level: "debug",
    transports: [new winston.transports.Stream({ stream: sink })],
  });
  return {
    log,
    lines,
    withMessage: (message) => lines.filter((line) => line.message === message),
    requests: (endpoint) =>
      lines.filter((line) => line.message === "qBittorrent request" && line.endpoint === endpoint),
    serialized: () => lines.map((line) => JSON.stringify(line)).join("\n"),
  };
}
