// Golden-file assertions: one YAML file per renderer scenario (or one text file, e.g. kubectl output), compared byte
// for byte, rewritten only when UPDATE_GOLDEN=1 (npm run golden:update).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";

const goldenRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "golden");

/** Serializes Kubernetes objects the way golden files store them: one YAML document each. */
export function toGoldenYaml(objects: readonly unknown[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join("---\n");
}

/** Fails unless `objects` render exactly to tests/golden/<name>.yaml. */
export function assertMatchesGolden(name: string, objects: readonly unknown[]): void {
  const path = join(goldenRoot, `${name}.yaml`);
  const actual = toGoldenYaml(objects);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden file ${path} is missing: run npm run golden:update and review it`);
  assert.equal(actual, readFileSync(path, "utf8"), `rendering differs from ${path} (npm run golden:update)`);
}

/** Fails unless `text` equals tests/golden/<name> byte for byte (rewritten when UPDATE_GOLDEN=1). */
export function assertMatchesGoldenText(name: string, text: string): void {
  const path = join(goldenRoot, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return;
  }
  assert.ok(
    existsSync(path),
    `golden file ${path} is missing: rerun this test with UPDATE_GOLDEN=1 and review it`,
  );
  assert.equal(text, readFileSync(path, "utf8"), `output differs from ${path} (rerun with UPDATE_GOLDEN=1)`);
}
