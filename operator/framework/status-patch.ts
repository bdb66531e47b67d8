// Writes a resource's status subresource only when it differs from what the server has,
// so a quiet cluster sees no writes; removed fields are sent as null in the merge patch.
import type { KubernetesObject } from "@kubernetes/client-node";
import { isDeepStrictEqual } from "node:util";
import { patchTypes, type KubeApi } from "./kube-api.js";
import type { ResourceType } from "./resource.js";

export type Status = Record<string, unknown>;

/** Drops undefined values recursively, so `{a: undefined}` equals `{}`. */
export function pruneUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(pruneUndefined) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, pruneUndefined(v)]),
    ) as T;
  }
  return value;
}

export function statusDiffers(current: Status | undefined, desired: Status): boolean {
  return !isDeepStrictEqual(pruneUndefined(current ?? {}), pruneUndefined(desired));
}

/** The merge patch that turns `current` into `desired` at the top level of status. */
export function statusMergePatch(current: Status | undefined, desired: Status): { status: Status } {
  const patch: Status = { ...pruneUndefined(desired) };
  for (const key of Object.keys(current ?? {})) if (!(key in patch)) patch[key] = null;
  return { status: patch };
}

export async function patchStatusIfChanged<T extends KubernetesObject & { status?: Status }>(
  api: KubeApi,
  resource: ResourceType,
  object: T,
  desired: Status,
): Promise<boolean> {
  if (!statusDiffers(object.status, desired)) return false;
  await api.patch(
    resource,
    object.metadata?.namespace,
    object.metadata?.name ?? "",
    statusMergePatch(object.status, desired),
    patchTypes.merge,
    "status",
  );
  return true;
}
