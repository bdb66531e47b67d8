// Registers the MediaStack controller: its resource and finalizer, the child kinds it owns, and the
// other kinds (DittoServers, their file Services, its volume, Torrents) mapped back to stacks.
import type { ControllerOptions } from "../../framework/controller.js";
import { builtinResources } from "../../framework/resource.js";
import { DittoServerResource } from "../../generated/dittoserver.js";
import { MediaStackResource, type MediaStack } from "../../generated/mediastack.js";
import { TorrentResource } from "../../generated/torrent.js";
import { mediaStackConditionTypes, mediaStackReasons } from "./condition-reasons.js";
import { finalizeMediaStack } from "./finalize-mediastack.js";
import { reconcileMediaStack } from "./reconcile-mediastack.js";
import {
  deletingStacksOfTorrent,
  stackOfVolume,
  stacksOfDittoServer,
  stacksOfFileService,
} from "./watch-mappings.js";

/** Deletes or keeps the cluster-scoped /data volume, after the stack's Torrents are gone. */
export const mediaStackFinalizer = "mediaplane.io/finalizer";

export function mediaStackController(concurrency: number): ControllerOptions<MediaStack> {
  return {
    name: "mediastack",
    resource: MediaStackResource,
    finalizer: mediaStackFinalizer,
    reconcile: reconcileMediaStack,
    finalize: finalizeMediaStack,
    // The cluster-scoped PersistentVolume cannot be owned: it is watched below and kept by data-volume.ts.
    children: [
      builtinResources.Secret,
      builtinResources.PersistentVolumeClaim,
      builtinResources.Service,
      builtinResources.Deployment,
      builtinResources.NetworkPolicy,
      builtinResources.Ingress,
      builtinResources.HTTPRoute,
    ],
    watches: [
      { resource: DittoServerResource, map: stacksOfDittoServer },
      { resource: builtinResources.Service, map: stacksOfFileService },
      { resource: builtinResources.PersistentVolume, map: stackOfVolume },
      { resource: TorrentResource, map: deletingStacksOfTorrent },
    ],
    reasons: mediaStackReasons,
    ready: { positive: [...mediaStackConditionTypes] },
    // Every change of a child, a DittoServer or the volume wakes the stack; this only catches a missed event.
    resyncSeconds: 600,
    concurrency,
  };
}
