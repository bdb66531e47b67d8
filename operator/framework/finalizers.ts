// Adds and removes one finalizer with JSON patches guarded by a `test` op, so only our
// entry changes and other controllers' finalizers survive concurrent edits.
import type { KubernetesObject } from "@kubernetes/client-node";
import { patchTypes, type KubeApi } from "./kube-api.js";
import type { ResourceType } from "./resource.js";

export function hasFinalizer(object: KubernetesObject, finalizer: string): boolean {
  return object.metadata?.finalizers?.includes(finalizer) ?? false;
}

export async function addFinalizer<T extends KubernetesObject>(
  api: KubeApi,
  resource: ResourceType,
  object: T,
  finalizer: string,
): Promise<T> {
  const current = object.metadata?.finalizers;
  const patch = current
    ? [
        { op: "test", path: "/metadata/finalizers", value: current },
        { op: "add", path: "/metadata/finalizers/-", value: finalizer },
      ]
    : [
        { op: "test", path: "/metadata/uid", value: object.metadata?.uid },
        { op: "add", path: "/metadata/finalizers", value: [finalizer] },
      ];
  return api.patch<T>(
    resource,
    object.metadata?.namespace,
    object.metadata?.name ?? "",
    patch,
    patchTypes.json,
  );
}

export async function removeFinalizer<T extends KubernetesObject>(
  api: KubeApi,
  resource: ResourceType,
  object: T,
  finalizer: string,
): Promise<T> {
  const index = object.metadata?.finalizers?.indexOf(finalizer) ?? -1;
  if (index < 0) return object;
  const path = `/metadata/finalizers/${index}`;
  const patch = [
    { op: "test", path, value: finalizer },
    { op: "remove", path },
  ];
  return api.patch<T>(
    resource,
    object.metadata?.namespace,
    object.metadata?.name ?? "",
    patch,
    patchTypes.json,
  );
}
