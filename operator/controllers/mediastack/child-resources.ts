// The framework ResourceType of every kind a MediaStack renders or deletes, so the controller can
// register its informers (owns) and find a stale child in the cache before deleting it.
import { apiVersionOf, builtinResources, type ResourceType } from "../../framework/resource.js";
import { mediaStackChildKinds } from "./render/index.js";

const renderedKinds: readonly ResourceType[] = [
  builtinResources.Secret,
  builtinResources.PersistentVolumeClaim,
  builtinResources.Service,
  builtinResources.Deployment,
  builtinResources.NetworkPolicy,
  builtinResources.Ingress,
  builtinResources.HTTPRoute,
  builtinResources.PersistentVolume,
];

/** The resource of an apiVersion/kind the stack renders; throws for any other (a renderer bug). */
export function stackResourceFor(apiVersion: string, kind: string): ResourceType {
  const resource = renderedKinds.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
  if (!resource) throw new Error(`a MediaStack does not render ${apiVersion} ${kind}`);
  return resource;
}

/** The namespaced kinds carrying the stack's controller owner reference (the PV has owner labels). */
export const ownedChildResources: readonly ResourceType[] = mediaStackChildKinds.map((child) =>
  stackResourceFor(child.apiVersion, child.kind),
);
