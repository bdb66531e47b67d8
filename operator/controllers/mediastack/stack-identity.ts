// A MediaStack's name and namespace, checked once: every object name is derived from them, and a
// stack without them (never the case for an object read from the API server) cannot be rendered.
import type { MediaStack } from "../../generated/mediastack.js";

export interface StackIdentity {
  readonly name: string;
  readonly namespace: string;
}

export function stackIdentity(stack: MediaStack): StackIdentity {
  const { name, namespace } = stack.metadata;
  if (!name || !namespace)
    throw new Error("a MediaStack needs metadata.name and metadata.namespace to be rendered");
  return { name, namespace };
}
