// Generates operator/generated/<kind>.ts from the CRDs in crds/, so the controllers' types
// are never written twice by hand; a unit test fails when the generated files are stale.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  additionalProperties?: JsonSchema | boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
}

interface CrdVersion {
  name: string;
  storage?: boolean;
  schema?: { openAPIV3Schema?: JsonSchema };
}

interface Crd {
  kind: string;
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: { kind: string; plural: string };
    versions: CrdVersion[];
  };
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const crdDir = join(repoRoot, "crds");
export const generatedDir = join(repoRoot, "operator", "generated");

function comment(description: string | undefined, indent: string): string {
  if (!description) return "";
  const lines = description.trim().replaceAll("*/", "* /").split("\n");
  return `${indent}/** ${lines.join(`\n${indent} * `)} */\n`;
}

/** Object shapes that occur more than once, by their text at indent "", and the name they get. */
type SharedShapes = ReadonlyMap<string, string>;

/** Renders a JSON schema as a TypeScript type expression. */
export function schemaToType(schema: JsonSchema, indent = "", shared: SharedShapes = new Map()): string {
  if (schema["x-kubernetes-int-or-string"]) return "number | string";
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  switch (schema.type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return `Array<${schema.items ? schemaToType(schema.items, indent, shared) : "unknown"}>`;
    case "object":
    case undefined:
      return objectType(schema, indent, shared);
    default:
      return "unknown";
  }
}

function objectType(schema: JsonSchema, indent: string, shared: SharedShapes): string {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) {
    if (typeof schema.additionalProperties === "object") {
      return `Record<string, ${schemaToType(schema.additionalProperties, indent, shared)}>`;
    }
    return "Record<string, unknown>";
  }
  const name = shared.size > 0 ? shared.get(objectType(schema, "", new Map())) : undefined;
  if (name !== undefined) return name;
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([name, property]) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
    const optional = required.has(name) ? "" : "?";
    return `${comment(property.description, inner)}${inner}${key}${optional}: ${schemaToType(property, inner, shared)};\n`;
  });
  return `{\n${fields.join("")}${indent}}`;
}

const pascal = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Finds object shapes that occur at least twice (e.g. one per app of a MediaStack) so the module
 * declares each once: named after their common parent property, singular ("apps" → App).
 */
function sharedShapes(
  kind: string,
  roots: readonly JsonSchema[],
): Map<string, { name: string; schema: JsonSchema }> {
  const seen = new Map<string, { schema: JsonSchema; parents: Set<string>; keys: string[] }>();
  const visit = (schema: JsonSchema, parent: string, key: string): void => {
    if (schema.properties && Object.keys(schema.properties).length > 0 && parent !== "") {
      const text = objectType(schema, "", new Map());
      const entry = seen.get(text) ?? { schema, parents: new Set<string>(), keys: [] };
      entry.parents.add(parent);
      entry.keys.push(key);
      seen.set(text, entry);
    }
    for (const [name, child] of Object.entries(schema.properties ?? {})) visit(child, key, name);
    if (schema.items) visit(schema.items, parent, key);
  };
  for (const root of roots) visit(root, "", "root");
  const named = new Map<string, { name: string; schema: JsonSchema }>();
  const used = new Set<string>();
  for (const [text, entry] of seen) {
    if (entry.keys.length < 2 || text.split("\n").length < 4) continue;
    const [parent] = entry.parents;
    const base =
      entry.parents.size === 1 && parent !== undefined && new Set(entry.keys).size > 1
        ? pascal(parent.replace(/s$/, ""))
        : pascal(entry.keys[0] ?? "Shape");
    let name = `${kind}${base}`;
    for (let n = 2; used.has(name); n++) name = `${kind}${base}${n}`;
    used.add(name);
    named.set(text, { name, schema: entry.schema });
  }
  return named;
}

/** Renders the TypeScript module for one CRD. */
export function renderCrdModule(crd: Crd, sourceFile: string): string {
  const version = crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0];
  if (!version?.schema?.openAPIV3Schema) throw new Error(`${sourceFile}: no openAPIV3Schema`);
  const root = version.schema.openAPIV3Schema;
  const kind = crd.spec.names.kind;
  const spec = root.properties?.spec ?? { type: "object" };
  const status = root.properties?.status ?? { type: "object" };
  const apiVersion = `${crd.spec.group}/${version.name}`;
  const shapes = sharedShapes(kind, [spec, status]);
  const shared: SharedShapes = new Map([...shapes].map(([text, { name }]) => [text, name]));
  const declarations = [...shapes.values()].map(({ name, schema }) => {
    const others = new Map([...shared].filter(([, other]) => other !== name));
    return `export type ${name} = ${objectType(schema, "", others)};\n`;
  });
  return [
    `// Generated from crds/${sourceFile} by tools/crd-types.ts (npm run gen:types).`,
    `// Do not edit: change the CRD and regenerate, so the schema stays the one source of truth.`,
    `import type { V1ObjectMeta } from "@kubernetes/client-node";`,
    ``,
    `export const ${kind}Resource = {`,
    `  group: ${JSON.stringify(crd.spec.group)},`,
    `  version: ${JSON.stringify(version.name)},`,
    `  plural: ${JSON.stringify(crd.spec.names.plural)},`,
    `  kind: ${JSON.stringify(kind)},`,
    `  namespaced: ${crd.spec.scope === "Namespaced"},`,
    `} as const;`,
    ``,
    ...declarations,
    `${comment(spec.description, "")}export type ${kind}Spec = ${schemaToType(spec, "", shared)};`,
    ``,
    `${comment(status.description, "")}export type ${kind}Status = ${schemaToType(status, "", shared)};`,
    ``,
    `export interface ${kind} {`,
    `  apiVersion: ${JSON.stringify(apiVersion)};`,
    `  kind: ${JSON.stringify(kind)};`,
    `  metadata: V1ObjectMeta;`,
    `  spec: ${kind}Spec;`,
    `  status?: ${kind}Status;`,
    `}`,
    ``,
  ].join("\n");
}

/** Every generated module, keyed by its file name in operator/generated/. */
export function generateAll(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(crdDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()) {
    for (const document of parseAllDocuments(readFileSync(join(crdDir, file), "utf8"))) {
      const crd = document.toJS() as Crd | null;
      if (crd?.kind !== "CustomResourceDefinition") continue;
      out.set(`${crd.spec.names.kind.toLowerCase()}.ts`, renderCrdModule(crd, basename(file)));
    }
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, source] of generateAll()) {
    writeFileSync(join(generatedDir, file), source);
    console.log(`wrote operator/generated/${file}`);
  }
}
