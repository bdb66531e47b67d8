// Maps changes of kinds a MediaStack does not own back to the stacks they concern, through the
// cache: DittoServers and their file Services, the stack's volume (owner labels) and Torrents.
import type { KubernetesObject, V1PersistentVolume } from "@kubernetes/client-node";
import type { CacheReader } from "../../framework/context.js";
import { MediaStackResource, type MediaStack } from "../../generated/mediastack.js";
import type { Torrent } from "../../generated/torrent.js";
import { dittoServerOfFileService } from "./dittoserver-endpoint.js";
import { stackNameLabel, stackNamespaceLabel } from "./names.js";

/** Keys of the stacks in `namespace` whose storage.data.dittoServerRef names `dittoServer`. */
export function stacksUsingDittoServer(cache: CacheReader, namespace: string, dittoServer: string): string[] {
  return cache
    .list<MediaStack>(MediaStackResource, namespace)
    .filter((stack) => stack.spec.storage.data.dittoServerRef?.name === dittoServer)
    .map((stack) => `${namespace}/${stack.metadata.name ?? ""}`);
}

export function stacksOfDittoServer(object: KubernetesObject, cache: CacheReader): string[] {
  const { namespace, name } = object.metadata ?? {};
  return namespace && name ? stacksUsingDittoServer(cache, namespace, name) : [];
}

/** A DittoServer's `<name>-file` Service: its ClusterIP is what the stack's volume points at. */
export function stacksOfFileService(object: KubernetesObject, cache: CacheReader): string[] {
  const { namespace, name } = object.metadata ?? {};
  const dittoServer = name ? dittoServerOfFileService(name) : undefined;
  return namespace && dittoServer ? stacksUsingDittoServer(cache, namespace, dittoServer) : [];
}

/** The stack whose owner labels the volume carries (a PV cannot hold a namespaced owner reference). */
export function stackOfVolume(volume: V1PersistentVolume): string[] {
  const labels = volume.metadata?.labels ?? {};
  const namespace = labels[stackNamespaceLabel];
  const name = labels[stackNameLabel];
  return namespace && name ? [`${namespace}/${name}`] : [];
}

/**
 * A Torrent matters to a stack only while the stack is being deleted (its finalizer waits for the
 * stack's Torrents to be gone): mapping every progress update of every Torrent would reconcile the
 * stacks all day long for nothing.
 */
export function deletingStacksOfTorrent(object: KubernetesObject, cache: CacheReader): string[] {
  const torrent = object as Torrent;
  const namespace = torrent.metadata.namespace;
  if (!namespace) return [];
  const names = new Set<string>();
  for (const ref of torrent.metadata.ownerReferences ?? []) {
    if (ref.kind === MediaStackResource.kind && ref.apiVersion.startsWith(`${MediaStackResource.group}/`))
      names.add(ref.name);
  }
  if (torrent.spec?.client_ref?.kind === "MediaStack") names.add(torrent.spec.client_ref.name);
  return [...names]
    .filter((name) => cache.get<MediaStack>(MediaStackResource, namespace, name)?.metadata.deletionTimestamp)
    .map((name) => `${namespace}/${name}`);
}
