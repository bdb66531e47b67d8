// Puts a non-controller owner reference to the MediaStack on a Torrent that uses the stack's
// qBittorrent, so deleting the stack takes its Torrents (and, through their finalizers, their torrents).
import type { V1OwnerReference } from "@kubernetes/client-node";
import type { ReconcileContext } from "../../framework/context.js";
import { patchTypes } from "../../framework/kube-api.js";
import type { MediaStack } from "../../generated/mediastack.js";
import { TorrentResource, type Torrent } from "../../generated/torrent.js";

export function stackOwnerReference(stack: MediaStack): V1OwnerReference {
  return {
    apiVersion: stack.apiVersion,
    kind: stack.kind,
    name: stack.metadata.name ?? "",
    uid: stack.metadata.uid ?? "",
    controller: false,
    blockOwnerDeletion: false,
  };
}

/** Adds the reference once; a JSON patch with a `test` op leaves other owner references alone. */
export async function ensureStackOwnerReference(
  ctx: ReconcileContext<Torrent>,
  stack: MediaStack,
): Promise<void> {
  const current = ctx.object.metadata.ownerReferences;
  if (current?.some((ref) => ref.uid === stack.metadata.uid)) return;
  const reference = stackOwnerReference(stack);
  const patch = current
    ? [
        { op: "test", path: "/metadata/ownerReferences", value: current },
        { op: "add", path: "/metadata/ownerReferences/-", value: reference },
      ]
    : [{ op: "add", path: "/metadata/ownerReferences", value: [reference] }];
  const { namespace, name } = ctx.object.metadata;
  await ctx.api.patch(TorrentResource, namespace, name ?? "", patch, patchTypes.json);
}
