// Follows one MediaStack through a watch and keeps every change of its status: which conditions moved
// (type status reason) and which other status fields changed, to explain each status write to Ready.
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import type { MediaStack } from "../../operator/generated/mediastack.js";

export interface StatusChange {
  /** Milliseconds since the trace started. */
  atMs: number;
  resourceVersion: string;
  /** "StorageReady False→True ClaimBound", one per condition whose status or reason changed. */
  conditions: string[];
  /** Top-level status fields other than conditions whose value changed ("appsSummary", "storage"). */
  fields: string[];
}

export interface StatusTrace {
  changes(): readonly StatusChange[];
  stop(): void;
}

type Status = NonNullable<MediaStack["status"]>;
type Condition = NonNullable<Status["conditions"]>[number];

function conditionMoves(before: readonly Condition[], after: readonly Condition[]): string[] {
  const moves: string[] = [];
  for (const condition of after) {
    const old = before.find((c) => c.type === condition.type);
    if (old?.status === condition.status && old.reason === condition.reason) {
      if (old.message !== condition.message) moves.push(`${condition.type} message`);
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

/** Watches `name` in `namespace` from now on and records each event that changed its status. */
export async function traceStatus(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
): Promise<StatusTrace> {
  const started = Date.now();
  const changes: StatusChange[] = [];
  let last: Status = {};
  const request = await new Watch(kubeConfig).watch(
    `/apis/mediaplane.io/v1alpha1/namespaces/${namespace}/mediastacks`,
    { fieldSelector: `metadata.name=${name}` },
    (_type: string, stack: MediaStack) => {
      const status: Status = stack.status ?? {};
      if (JSON.stringify(status) === JSON.stringify(last)) return;
      changes.push({
        atMs: Date.now() - started,
        resourceVersion: stack.metadata.resourceVersion ?? "",
        conditions: conditionMoves(last.conditions ?? [], status.conditions ?? []),
        fields: fieldMoves(last, status),
      });
      last = status;
    },
    () => undefined,
  );
  return { changes: () => changes, stop: () => request.abort() };
}

export function formatTrace(changes: readonly StatusChange[]): string {
  return changes
    .map(
      (change, i) =>
        `  write ${i + 1} at ${(change.atMs / 1000).toFixed(2)} s (rv ${change.resourceVersion}): ` +
        `${[...change.conditions, ...change.fields.map((field) => `${field} changed`)].join("; ") || "no visible change"}`,
    )
    .join("\n");
}
