// Records when reconciles of each Widget start and end, so tests can count overlaps within one
// object and across objects without relying on wall-clock totals.
import { setTimeout as delay } from "node:timers/promises";
import type { ReconcileContext } from "../../../operator/framework/context.js";
import type { Widget } from "./widget-operator.js";

export interface ReconcileSpan {
  name: string;
  start: number;
  end?: number;
}

export interface ReconcileRecorder {
  readonly spans: ReconcileSpan[];
  /** Pass as widgetOperator's beforeReconcile: records, then waits `slowMs` (only in `namespace`). */
  hook: (ctx: ReconcileContext<Widget>) => Promise<void>;
  count(name?: string): number;
  /** The most reconciles in `namespace` ever running at once (of `name` only, when given). */
  maxOverlap(name?: string): number;
}

export function reconcileRecorder(namespace: string, slowMs: number): ReconcileRecorder {
  const spans: ReconcileSpan[] = [];
  const running = new Map<string, number>();
  let overall = 0;
  let maxOverall = 0;
  const maxPerName = new Map<string, number>();
  return {
    spans,
    hook: async (ctx) => {
      if (ctx.object.metadata?.namespace !== namespace) return;
      const name = ctx.object.metadata?.name ?? "";
      const span: ReconcileSpan = { name, start: Date.now() };
      spans.push(span);
      overall++;
      maxOverall = Math.max(maxOverall, overall);
      const mine = (running.get(name) ?? 0) + 1;
      running.set(name, mine);
      maxPerName.set(name, Math.max(maxPerName.get(name) ?? 0, mine));
      try {
        await delay(slowMs);
      } finally {
        span.end = Date.now();
        overall--;
        running.set(name, (running.get(name) ?? 1) - 1);
      }
    },
    count: (name) => spans.filter((span) => name === undefined || span.name === name).length,
    maxOverlap: (name) => (name === undefined ? maxOverall : (maxPerName.get(name) ?? 0)),
  };
}
