// Follows one MediaStack through a watch and keeps every change of its status: which conditions moved
// (type status reason) and which other status fields changed, to explain each status write to Ready.
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import type { MediaStack } from "../../operator/generated/mediastack.js";

export interface StatusChange {
  /** Date.now() when the watch delivered it. */
  at: number;
  resourceVersion: string;
  /** "StorageReady False→True ClaimBound", one per condition whose status or reason changed. */
  conditions: string[];
  /** Top-level status fields other than conditions whose value changed ("appsSummary", "storage"). */
  fields: string[];
}

export interface StatusTrace {
  /** Each traced stack's status changes, by "namespace/name", in order. */
  changes(): ReadonlyMap<string, readonly StatusChange[]>;
  stop(): void;
}

type Status = NonNullable<MediaStack["status"]>;
type Condition = NonNullable<Status["conditions"]>[number];

/** Where two messages differ: "…<old part>… → …<new part>…", 60 characters of each past the common prefix. */
function messageDiff(before: string, after: string): string {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  const clip = (text: string): string => `…${text.slice(Math.max(0, start - 20), start + 60)}…`;
  return `${clip(before)} → ${clip(after)}`;
}

function conditionMoves(before: readonly Condition[], after: readonly Condition[]): string[] {
  const moves: string[] = [];
  for (const condition of after) {
    const old = before.find((c) => c.type === condition.type);
    if (old?.status === condition.status && old.reason === condition.reason) {
      if (old.message !== condition.message)
        moves.push(
          `${condition.type} message`,
          `  ${messageDiff(old.message ?? "", condition.message ?? "")}`,
        );
      continue;
    }
    moves.push(`${condition.type} ${old ? `${old.status}→` : ""}${condition.status} ${condition.reason}`);
  }
  return moves;
}

function fieldMoves(before: Status, after: Status): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete("conditions");
  const record = (status: Status): Record<string, unknown> => status;
  return [...keys].filter(
    (key) => JSON.stringify(record(before)[key]) !== JSON.stringify(record(after)[key]),
  );
}

/** Watches every MediaStack in `namespaces` from now on and records each event that changed its status. */
export async function traceStatus(
  kubeConfig: KubeConfig,
  namespaces: ReadonlySet<string>,
): Promise<StatusTrace> {
  const changes = new Map<string, StatusChange[]>();
  const last = new Map<string, Status>();
  const request = await new Watch(kubeConfig).watch(
    "/apis/mediaplane.io/v1alpha1/mediastacks",
    {},
    (_type: string, stack: MediaStack) => {
      const namespace = stack.metadata.namespace ?? "";
      if (!namespaces.has(namespace)) return;
      const key = `${namespace}/${stack.metadata.name ?? ""}`;
      const before = last.get(key) ?? {};
      const status: Status = stack.status ?? {};
      if (JSON.stringify(status) === JSON.stringify(before)) return;
      const list = changes.get(key) ?? [];
      list.push({
        at: Date.now(),
        resourceVersion: stack.metadata.resourceVersion ?? "",
        conditions: conditionMoves(before.conditions ?? [], status.conditions ?? []),
        fields: fieldMoves(before, status),
      });
      changes.set(key, list);
      last.set(key, status);
    },
    () => undefined,
  );
  return { changes: () => changes, stop: () => request.abort() };
}

function describe(change: StatusChange): string {
  return (
    [...change.conditions, ...change.fields.map((field) => `${field} changed`)].join("; ") ||
    "no visible change"
  );
}

/** One stack's writes, each with its time since `since` (ms since epoch). */
export function formatTrace(changes: readonly StatusChange[], since: number): string {
  return changes
    .map(
      (change, i) =>
        `  write ${i + 1} at ${((change.at - since) / 1000).toFixed(2)} s (rv ${change.resourceVersion}): ${describe(change)}`,
    )
    .join("\n");
}

/**
 * What moved in the writes of every stack before `until` (or after, with `after`), counted by the
 * condition moves only (messages and the fields that change with them are left out): the causes.
 */
export function countCauses(
  trace: ReadonlyMap<string, readonly StatusChange[]>,
  window: { from?: number; until?: number },
): Map<string, number> {
  const causes = new Map<string, number>();
  for (const changes of trace.values()) {
    for (const change of changes) {
      if (window.from !== undefined && change.at <= window.from) continue;
      if (window.until !== undefined && change.at > window.until) continue;
      const named = change.conditions.filter((move) => !move.startsWith("  "));
      const moves = named.filter((move) => !move.endsWith(" message"));
      const messages = named.filter((move) => move.endsWith(" message"));
      const cause =
        moves.join("; ") ||
        (messages.length > 0 ? `only messages: ${messages.join(", ")}` : `only ${change.fields.join(", ")}`);
      causes.set(cause, (causes.get(cause) ?? 0) + 1);
    }
  }
  return new Map([...causes].sort((a, b) => b[1] - a[1]));
}

/** The report the benchmark prints: the busiest stack's writes, then the causes before and after Ready. */
export function formatStatusReport(
  trace: ReadonlyMap<string, readonly StatusChange[]>,
  started: number,
  readyAt: number,
): string {
  const toReady = (changes: readonly StatusChange[]): number =>
    changes.filter((change) => change.at <= readyAt).length;
  const busiest = [...trace].sort((a, b) => toReady(b[1]) - toReady(a[1]))[0];
  const lines: string[] = [];
  if (busiest) {
    lines.push(`status writes of ${busiest[0]}, the stack with the most to Ready (watch, create to steady):`);
    lines.push(formatTrace(busiest[1], started));
  }
  const causes = (title: string, window: { from?: number; until?: number }): void => {
    lines.push(title);
    for (const [cause, count] of countCauses(trace, window))
      lines.push(`  ${String(count).padStart(4)}  ${cause}`);
  };
  causes("status writes to Ready of all stacks, by what moved:", { until: readyAt });
  causes("status writes at steady state, by what moved:", { from: readyAt });
  const steady = [...trace].flatMap(([key, changes]) =>
    changes.filter((change) => change.at > readyAt).map((change) => ({ key, change })),
  );
  for (const { key, change } of steady.slice(0, 3))
    lines.push(`  e.g. ${key} at ${((change.at - started) / 1000).toFixed(2)} s: ${describe(change)}`);
  return lines.join("\n");
}
