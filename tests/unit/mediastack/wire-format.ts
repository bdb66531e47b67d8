// Rendered objects as the framework sends them (JSON), and a typo check: every field must be one
// that @kubernetes/client-node's models know (its serializer drops unknown ones), so a misspelled
// field fails a unit test instead of being pruned or refused by the API server.
import type { KubernetesObject } from "@kubernetes/client-node";
// Not in the package's public index: a test-only deep import of the model-driven serializer.
import { ObjectSerializer } from "@kubernetes/client-node/dist/serializer.js";
import { getSerializationType } from "@kubernetes/client-node/dist/util.js";

/** What JSON.stringify puts on the wire (undefined fields vanish). */
export function toWireFormat(object: KubernetesObject): unknown {
  return JSON.parse(JSON.stringify(object));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Wire names the models spell differently (`from` is `_from` in V1NetworkPolicyIngressRule). */
function toModelNames(object: KubernetesObject): KubernetesObject {
  const copy = structuredClone(object) as KubernetesObject & {
    spec?: { ingress?: Array<Record<string, unknown>> };
  };
  if (object.kind === "NetworkPolicy") {
    for (const rule of copy.spec?.ingress ?? []) {
      if ("from" in rule) {
        rule._from = rule.from;
        delete rule.from;
      }
    }
  }
  return copy;
}

function missing(wire: unknown, serialized: unknown, path: string, found: string[]): void {
  if (Array.isArray(wire)) {
    wire.forEach((item, index) =>
      missing(item, Array.isArray(serialized) ? serialized[index] : undefined, `${path}[${index}]`, found),
    );
    return;
  }
  if (!isPlainObject(wire)) return;
  for (const [key, value] of Object.entries(wire)) {
    if (!isPlainObject(serialized) || !(key in serialized)) found.push(`${path}.${key}`);
    else missing(value, serialized[key], `${path}.${key}`, found);
  }
}

/** Fields of `object` that client-node's model for its kind does not know. Unknown kinds: none. */
export function fieldsUnknownToClientNode(object: KubernetesObject): string[] {
  const serialized: unknown = ObjectSerializer.serialize(
    toModelNames(object),
    getSerializationType(object.apiVersion, object.kind),
  );
  const found: string[] = [];
  missing(
    toWireFormat(object),
    JSON.parse(JSON.stringify(serialized)),
    `${object.kind}/${object.metadata?.name}`,
    found,
  );
  return found;
}
