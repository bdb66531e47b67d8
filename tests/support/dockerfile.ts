// Reads the repo's Dockerfile into instructions tagged with their stage, for the tests that check it
// (tests/unit/dockerfile.test.ts) and the real node's operator image against it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./helm.js";

export interface Instruction {
  stage: string;
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions (continuations joined, comments dropped), tagged with their stage. */
export function instructions(text: string): Instruction[] {
  const lines = text.replace(/\\\n\s*/g, " ").split("\n");
  const result: Instruction[] = [];
  let stage = "(global)";
  let index = 0;
  for (const line of lines.map((l) => l.trim())) {
    if (line === "" || line.startsWith("#")) continue;
    const [keyword = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (keyword.toUpperCase() === "FROM") stage = /\sAS\s+(\S+)$/i.exec(args)?.[1] ?? `stage-${index}`;
    if (keyword.toUpperCase() === "FROM") index += 1;
    result.push({ stage, keyword: keyword.toUpperCase(), args });
  }
  return result;
}

/** The repo's Dockerfile, parsed. */
export function repoDockerfile(): Instruction[] {
  return instructions(readFileSync(join(repoRoot, "Dockerfile"), "utf8"));
}

/** The instructions of the last stage (the image that ships). */
export function finalStage(dockerfile: readonly Instruction[]): Instruction[] {
  const stage = dockerfile.filter((i) => i.keyword === "FROM").at(-1)?.stage ?? "";
  return dockerfile.filter((i) => i.stage === stage);
}
