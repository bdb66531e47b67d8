// The Dockerfile cannot be built here (no container engine), so this checks what would break it:
// every file it COPYs exists and is not dockerignored, `npm run build`'s output lands where the final
// stage takes it from, production dependencies cover every import, and the entrypoint starts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { join, posix } from "node:path";
import { after, before, test } from "node:test";
import { instructions } from "../support/dockerfile.js";
import type { Instruction } from "../support/dockerfile.js";
import { repoRoot } from "../support/helm.js";

const dockerfile = instructions(readFileSync(join(repoRoot, "Dockerfile"), "utf8"));
const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  version: string;
  engines: { node: string };
  dependencies: Record<string, string>;
};
const finalStage = dockerfile.filter((i) => i.keyword === "FROM").at(-1)?.stage ?? "";
const inFinal = (keyword: string): Instruction[] =>
  dockerfile.filter((i) => i.stage === finalStage && i.keyword === keyword);
const argDefault = (name: string): string | undefined =>
  dockerfile.find((i) => i.keyword === "ARG" && i.args.startsWith(`${name}=`))?.args.slice(name.length + 1);

/** COPY sources and options: `--from=x a b dest/` → { from: "x", sources: ["a", "b"] }. */
function copySources(instruction: Instruction): { from?: string; sources: string[] } {
  const words = instruction.args.split(/\s+/);
  const from = words.find((word) => word.startsWith("--from="))?.slice("--from=".length);
  const paths = words.filter((word) => !word.startsWith("--"));
  return { ...(from === undefined ? {} : { from }), sources: paths.slice(0, -1) };
}

/** True when a top-level .dockerignore pattern (name, `dir/` or `*.ext`) excludes `path`. */
function dockerignored(path: string): boolean {
  const patterns = readFileSync(join(repoRoot, ".dockerignore"), "utf8")
    .split("\n")
    .map((line) => line.trim().replace(/\/$/, ""))
    .filter((line) => line !== "" && !line.startsWith("#"));
  const first = path.replace(/^\.\//, "").split("/")[0] ?? "";
  return patterns.some((pattern) =>
    pattern.startsWith("*.") ? first.endsWith(pattern.slice(1)) : pattern === first,
  );
}

let staging = "";

before(() => {
  mkdirSync(join(repoRoot, ".tmp"), { recursive: true });
  // Inside the repo, so dist/*.js resolve packages the way /app/dist does in the image.
  staging = mkdtempSync(join(repoRoot, ".tmp", "image-"));
});

after(() => {
  if (staging !== "") rmSync(staging, { recursive: true, force: true });
});

test("the base image is Node 20, as package.json's engines require", () => {
  const image = argDefault("NODE_IMAGE");
  assert.match(image ?? "", /^node:20(\.\d+)*-bookworm-slim$/);
  assert.match(pkg.engines.node, /^>=20\.\d+\.\d+ <21$/);
  for (const from of dockerfile.filter((i) => i.keyword === "FROM"))
    assert.match(from.args, /^\$\{NODE_IMAGE\}/);
});

test("every COPY from the build context exists and is not excluded by .dockerignore", () => {
  const copies = dockerfile.filter((i) => i.keyword === "COPY").map(copySources);
  const fromContext = copies.filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources);
  assert.ok(fromContext.length > 0);
  for (const source of fromContext) {
    assert.ok(existsSync(join(repoRoot, source)), `${source} exists`);
    assert.ok(!dockerignored(source), `${source} is not in .dockerignore`);
  }
  for (const needed of [
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "operator/",
  ]) {
    assert.ok(fromContext.includes(needed), `the build stage copies ${needed}`);
  }
});

test("the final stage runs as UID 65532 with OCI labels and only dist/, node_modules/ and package.json", () => {
  assert.deepEqual(
    inFinal("USER").map((i) => i.args),
    ["65532:65532"],
  );
  const labels = inFinal("LABEL")
    .map((i) => i.args)
    .join(" ");
  for (const key of ["title", "description", "version", "licenses"]) {
    assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}=`));
  }
  assert.equal(argDefault("VERSION"), pkg.version, "ARG VERSION follows package.json");
  const copied = inFinal("COPY").map(copySources);
  assert.ok(
    copied.every((copy) => copy.from !== undefined),
    "nothing comes straight from the source tree",
  );
  assert.deepEqual(
    copied.flatMap((copy) => copy.sources.map((s) => posix.basename(s.replace(/\/$/, "")))).sort(),
    ["dist", "node_modules", "package.json"],
  );
  const prodStage = copied.find((copy) => copy.sources.some((s) => s.includes("node_modules")))?.from;
  const install = dockerfile.filter((i) => i.stage === prodStage && i.keyword === "RUN").map((i) => i.args);
  assert.ok(
    install.some((run) => run.startsWith("npm ci --omit=dev")),
    "node_modules comes from npm ci --omit=dev",
  );
});

test("npm run build's output is where the final stage copies it from, and the entrypoint starts", () => {
  const build = spawnSync(
    process.execPath,
    [
      join(repoRoot, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      "tsconfig.build.json",
      "--outDir",
      join(staging, "dist"),
    ],
    {
      cwd: repoRoot,
      encoding: "utf8",
    },
  );
  assert.equal(build.status, 0, `npm run build fails:\n${build.stdout}${build.stderr}`);
  // Lay the image's /app out: package.json, node_modules/, dist/.
  copyFileSync(join(repoRoot, "package.json"), join(staging, "package.json"));
  symlinkSync(join(repoRoot, "node_modules"), join(staging, "node_modules"), "dir");

  const entrypoint = JSON.parse(inFinal("ENTRYPOINT")[0]?.args ?? "[]") as string[];
  assert.equal(entrypoint[0], "node");
  // node [V8 flags] <script>: the flags must be ones this Node accepts, or the container would not start.
  const script = entrypoint.at(-1) ?? "";
  const nodeFlags = entrypoint.slice(1, -1);
  assert.ok(existsSync(join(staging, script)), `${script} exists after the build`);
  const cleanEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(MEDIAPLANE_|QBITTORRENT_|POD_)/.test(key)),
  );
  const run = (args: string[], env: NodeJS.ProcessEnv = cleanEnv): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, [...nodeFlags, script, ...args], {
      cwd: staging,
      env,
      encoding: "utf8",
      timeout: 30_000,
    });

  const help = run(["--help"]);
  assert.equal(help.status, 0, String(help.stderr));
  assert.match(String(help.stdout), /Usage: mediaplane/);

  const good = run(["--check-config"], { ...cleanEnv, MEDIAPLANE_LOG_FORMAT: "console" });
  assert.equal(good.status, 0, String(good.stderr));
  assert.equal((JSON.parse(String(good.stdout)) as { logFormat: string }).logFormat, "console");

  const bad = run(["--check-config"], { ...cleanEnv, MEDIAPLANE_LOG_FORMAT: "xml" });
  assert.equal(bad.status, 2);
  const message = String(bad.stderr);
  assert.match(message, /^invalid configuration: MEDIAPLANE_LOG_FORMAT=xml .*\n$/);
  assert.equal(message.trimEnd().split("\n").length, 1, "one line");
});

test("production dependencies cover every package the compiled operator imports", () => {
  const dist = join(staging, "dist");
  assert.ok(existsSync(dist), "the build test ran first");
  const files = readdirSync(dist, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith(".js"));
  const imported = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(dist, file), "utf8");
    for (const match of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g,
    )) {
      const specifier = match[1] ?? match[2] ?? "";
      if (specifier.startsWith(".") || specifier.startsWith("node:") || builtinModules.includes(specifier))
        continue;
      const parts = specifier.split("/");
      imported.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier));
    }
  }
  assert.ok(imported.has("winston"), "found the operator's imports");
  const missing = [...imported].filter((name) => pkg.dependencies[name] === undefined);
  assert.deepEqual(missing, [], "imported but not in dependencies (npm ci --omit=dev would leave them out)");
});
