// Generates docs/crds.md, the field-by-field reference of every CRD in crds/, so the
// reference can never disagree with the schemas; a unit test fails when it is stale.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { crdDir, type JsonSchema } from "./crd-types.js";

interface DocSchema extends JsonSchema {
  default?: unknown;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  "x-kubernetes-validations"?: Array<{ rule: string; message?: string }>;
}

interface CrdDocument {
  kind: string;
  spec: {
    group: string;
    names: { kind: string; plural: string; shortNames?: string[]; categories?: string[] };
    versions: Array<{
      name: string;
      storage?: boolean;
      additionalPrinterColumns?: Array<{ name: string; jsonPath: string; priority?: number }>;
      schema: { openAPIV3Schema: DocSchema };
    }>;
  };
}

export const crdDocsPath = join(fileURLToPath(new URL("../docs/crds.md", import.meta.url)));

function typeOf(schema: DocSchema): string {
  if (schema["x-kubernetes-int-or-string"]) return "int or string";
  if (schema.type === "array") return `[]${schema.items ? typeOf(schema.items) : "any"}`;
  if (schema.type === "object" && !schema.properties) return "map";
  return schema.type ?? "any";
}

function notes(schema: DocSchema): string {
  const parts: string[] = [];
  if (schema.enum) parts.push(`one of ${schema.enum.map((v) => `\`${String(v)}\``).join(", ")}`);
  if (schema.default !== undefined) parts.push(`default \`${JSON.stringify(schema.default)}\``);
  if (schema.minimum !== undefined) parts.push(`min ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`max ${schema.maximum}`);
  for (const rule of schema["x-kubernetes-validations"] ?? [])
    parts.push(`rule: ${rule.message ?? rule.rule}`);
  return parts.join("; ");
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ").trim();
}

function rows(schema: DocSchema, path: string, required: boolean, out: string[]): void {
  out.push(
    `| \`${path}\` | ${typeOf(schema)}${required ? " (required)" : ""} | ${cell(schema.description ?? "")} | ${cell(notes(schema))} |`,
  );
  const children = schema.type === "array" ? schema.items : schema;
  const suffix = schema.type === "array" ? "[]" : "";
  const requiredChildren = new Set(children?.required ?? []);
  for (const [name, child] of Object.entries(children?.properties ?? {})) {
    rows(child, `${path}${suffix}.${name}`, requiredChildren.has(name), out);
  }
}

export function renderCrdDocs(): string {
  const out = [
    "# CRD reference",
    "",
    "Generated from `crds/` by `tools/crd-docs.ts` (`npm run gen:docs`); a test fails when it is stale.",
    "Every field's text is also what `kubectl explain` prints.",
    "",
  ];
  for (const file of readdirSync(crdDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()) {
    for (const document of parseAllDocuments(readFileSync(join(crdDir, file), "utf8"))) {
      const crd = document.toJS() as CrdDocument | null;
      if (crd?.kind !== "CustomResourceDefinition") continue;
      const version = crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0];
      if (!version) continue;
      const { names } = crd.spec;
      out.push(`## ${names.kind} (\`${crd.spec.group}/${version.name}\`)`, "");
      out.push(
        `Plural \`${names.plural}\`; short names ${(names.shortNames ?? []).map((n) => `\`${n}\``).join(", ") || "none"}; categories ${(names.categories ?? []).map((n) => `\`${n}\``).join(", ") || "none"}.`,
        "",
      );
      const columns = version.additionalPrinterColumns ?? [];
      if (columns.length > 0) {
        out.push(
          `Printer columns: ${columns.map((c) => `${c.name}${c.priority ? " (wide)" : ""}`).join(", ")}.`,
          "",
        );
      }
      const root = version.schema.openAPIV3Schema;
      for (const part of ["spec", "status"] as const) {
        const schema = root.properties?.[part];
        if (!schema) continue;
        out.push(
          `### ${part}`,
          "",
          "| field | type | description | validation and defaults |",
          "|---|---|---|---|",
        );
        const lines: string[] = [];
        rows(schema, part, false, lines);
        out.push(...lines.slice(1), "");
      }
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(crdDocsPath, renderCrdDocs());
  console.log("wrote docs/crds.md");
}
