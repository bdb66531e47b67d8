// A small structural check of an object against a CRD's OpenAPI v3 schema (types, required,
// enums, patterns, bounds, unknown fields) so samples are proven valid without an API server.
import type { JsonSchema } from "../../../tools/crd-types.js";

export interface CrdSchema extends JsonSchema {
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  properties?: Record<string, CrdSchema>;
  items?: CrdSchema;
  additionalProperties?: CrdSchema | boolean;
  "x-kubernetes-validations"?: Array<{ rule: string; message?: string; fieldPath?: string }>;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Every violation of `schema` by `value`, as "path: problem"; empty when valid. */
export function schemaViolations(schema: CrdSchema, value: unknown, path = ""): string[] {
  const at = path === "" ? "<root>" : path;
  if (schema["x-kubernetes-preserve-unknown-fields"] && schema.properties === undefined) return [];
  const actual = typeOf(value);
  if (schema["x-kubernetes-int-or-string"]) {
    if (actual !== "integer" && actual !== "string")
      return [`${at}: expected integer or string, got ${actual}`];
  } else if (
    schema.type !== undefined &&
    schema.type !== actual &&
    !(schema.type === "number" && actual === "integer")
  ) {
    return [`${at}: expected ${schema.type}, got ${actual}`];
  }
  const problems: string[] = [];
  if (schema.enum !== undefined && !schema.enum.includes(value))
    problems.push(`${at}: ${String(value)} not in enum`);
  if (typeof value === "string") {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
      problems.push(`${at}: ${value} does not match ${schema.pattern}`);
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at}: too short`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${at}: too long`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      problems.push(`${at}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      problems.push(`${at}: above ${schema.maximum}`);
  }
  if (actual === "array" && schema.items !== undefined) {
    (value as unknown[]).forEach((item, index) =>
      problems.push(...schemaViolations(schema.items!, item, `${at}[${index}]`)),
    );
  }
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in object)) problems.push(`${path === "" ? "" : `${path}.`}${name}: required`);
    }
    for (const [name, child] of Object.entries(object)) {
      const childPath = path === "" ? name : `${path}.${name}`;
      const childSchema =
        schema.properties?.[name] ??
        (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
      if (childSchema !== undefined) problems.push(...schemaViolations(childSchema, child, childPath));
      else if (!schema["x-kubernetes-preserve-unknown-fields"] && schema.properties !== undefined) {
        problems.push(`${childPath}: unknown field`);
      }
    }
  }
  return problems;
}
