// Decides whether a Torrent's progress may be written now: a change of progress or amount_left alone
// is written at most once per interval (the rest waits, with a requeue for the remainder); any other change at once.
import type { ReportedFields } from "./torrent-status.js";

/** The fields that move continuously while a torrent downloads. */
const progressFields = ["progress", "amount_left", "time_active"] as const;

export interface ProgressDecisionInput {
  /** What the status holds now (undefined fields for a new Torrent). */
  previous: Partial<ReportedFields>;
  /** What qBittorrent reports now. */
  next: ReportedFields;
  /** When this Torrent's progress was last written (ms epoch), undefined if never by this process. */
  lastProgressWriteAt: number | undefined;
  now: number;
  intervalMs: number;
}

export interface ProgressDecision {
  /** The fields to put in the status (progress held back when not due). */
  fields: ReportedFields;
  /** Whether this reconcile writes progress (the caller records `now` as the last write). */
  writesProgress: boolean;
  /** When held back: reconcile again after this long, so the final value is written. */
  requeueAfterMs: number | undefined;
}

export function decideProgressWrite(input: ProgressDecisionInput): ProgressDecision {
  const { previous, next, lastProgressWriteAt, now, intervalMs } = input;
  const differs = (key: keyof ReportedFields): boolean => previous[key] !== next[key];
  const otherChange = (Object.keys(next) as Array<keyof ReportedFields>).some(
    (key) => !(progressFields as readonly string[]).includes(key) && differs(key),
  );
  const progressChange = differs("progress") || differs("amount_left");
  if (!progressChange) {
    return { fields: next, writesProgress: false, requeueAfterMs: undefined };
  }
  const elapsed = lastProgressWriteAt === undefined ? Number.POSITIVE_INFINITY : now - lastProgressWriteAt;
  if (otherChange || elapsed >= intervalMs || previous.progress === undefined) {
    return { fields: next, writesProgress: true, requeueAfterMs: undefined };
  }
  const held: ReportedFields = {
    ...next,
    progress: previous.progress,
    amount_left: previous.amount_left,
    time_active: previous.time_active ?? next.time_active,
  };
  return { fields: held, writesProgress: false, requeueAfterMs: Math.max(0, intervalMs - elapsed) };
}
