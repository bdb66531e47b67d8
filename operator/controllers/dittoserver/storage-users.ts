// Which MediaStacks use a DittoServer as their /data storage (read from the cache, never by
// calling the MediaStack controller), so deleting the server waits until none does (ADR 0003).
import type { KubernetesObject } from "@kubernetes/client-node";
import type { CacheReader } from "../../framework/context.js";
import { MediaStackResource, type MediaStack } from "../../generated/mediastack.js";
import type { DittoServer } from "../../generated/dittoserver.js";

/** Live MediaStacks in the server's namespace whose storage.data.dittoServerRef names it. */
export function mediaStacksUsing(server: DittoServer, cache: CacheReader): string[] {
  const namespace = server.metadata.namespace;
  return cache
    .list<MediaStack>(MediaStackResource, namespace)
    .filter((stack) => stack.spec.storage?.data?.dittoServerRef?.name === server.metadata.name)
    .filter((stack) => !stack.metadata.deletionTimestamp)
    .map((stack) => `${namespace}/${stack.metadata.name}`)
    .sort();
}

/** Watch mapping: a MediaStack change wakes the DittoServer it names (a held deletion proceeds). */
export function serverUsedByStack(object: KubernetesObject): string[] {
  const stack = object as MediaStack;
  const name = stack.spec?.storage?.data?.dittoServerRef?.name;
  return name ? [`${stack.metadata.namespace}/${name}`] : [];
}
