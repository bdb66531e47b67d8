// When work against an outside system runs (a MediaStack's wiring, a DittoServer's configuration): when
// its inputs changed, when an unfinished run's backoff is over, or once per drift interval — never on every reconcile a child wakes.

export interface RunScheduleOptions {
  /** First retry of an unfinished run; doubles per further unfinished run with the same inputs. */
  readonly baseMs: number;
  readonly capMs: number;
  /** How long a finished run stands before it is compared with the outside system again (drift repair). */
  readonly driftCheckMs: number;
}

interface Entry {
  readonly inputs: string;
  readonly unfinishedRuns: number;
  readonly dueAt: number;
}

export class RunSchedule {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: RunScheduleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long until the run for `uid` is due with these inputs; undefined when it is due now. */
  waitBeforeRun(uid: string, inputs: string): number | undefined {
    const entry = this.entries.get(uid);
    if (entry === undefined || entry.inputs !== inputs) return undefined;
    const wait = entry.dueAt - this.now();
    return wait > 0 ? wait : undefined;
  }

  /** Records a run with `inputs`; returns the delay until the next one is due. */
  ran(uid: string, inputs: string, finished: boolean): number {
    const previous = this.entries.get(uid);
    const unfinishedRuns = finished ? 0 : (previous?.inputs === inputs ? previous.unfinishedRuns : 0) + 1;
    const delay = finished
      ? this.options.driftCheckMs
      : Math.min(this.options.capMs, this.options.baseMs * 2 ** Math.min(unfinishedRuns - 1, 20));
    this.entries.set(uid, { inputs, unfinishedRuns, dueAt: this.now() + delay });
    return delay;
  }

  forget(uid: string): void {
    this.entries.delete(uid);
  }
}
