// The framework's one direction of imports, checked on the sources themselves (not only by eslint):
// nothing under operator/framework may import operator/controllers or operator/clients.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const frameworkDir = join(repoRoot, "operator", "framework");
const forbidden = ["operator/controllers", "operator/clients"].map((dir) => join(repoRoot, dir));

/** Every module specifier in static imports, re-exports, dynamic import() and require(). */
function importSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] ?? ""));
}

function frameworkFiles(): string[] {
  return readdirSync(frameworkDir, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|js|mts|cts)$/.test(file))
    .map((file) => join(frameworkDir, file));
}

test("the specifier scanner sees every import form", () => {
  const source = [
    'import { a } from "../controllers/x.js";',
    'import type { B } from "../clients/y.js";',
    'export * from "./z.js";',
    'import "./side-effect.js";',
    'const m = await import("../controllers/lazy.js");',
  ].join("\n");
  assert.deepEqual(importSpecifiers(source).sort(), [
    "../clients/y.js",
    "../controllers/lazy.js",
    "../controllers/x.js",
    "./side-effect.js",
    "./z.js",
  ]);
});

test("operator/framework imports neither operator/controllers nor operator/clients", () => {
  const files = frameworkFiles();
  assert.ok(files.length > 10, `found only ${files.length} framework files`);
  const violations: string[] = [];
  for (const file of files) {
    for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      const target = resolve(dirname(file), specifier);
      if (forbidden.some((dir) => target === dir || target.startsWith(`${dir}/`))) {
        violations.push(`${relative(repoRoot, file)} imports ${specifier}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});
