// Finds the Gateway API standard CRDs inside the Go module cache, where build.sh downloaded the
// pinned sigs.k8s.io/gateway-api module; asks `go env GOMODCACHE` once and reads nothing else.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { clusterVersions } from "./versions.js";

const run = promisify(execFile);

async function goModCache(): Promise<string> {
  const fromEnv = process.env["GOMODCACHE"];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  try {
    const { stdout } = await run("go", ["env", "GOMODCACHE"]);
    if (stdout.trim() !== "") return stdout.trim();
  } catch {
    // No go on PATH: fall back to Go's default location.
  }
  return join(process.env["GOPATH"] ?? join(homedir(), "go"), "pkg", "mod");
}

/** Module paths are case-encoded in the cache: every upper-case letter becomes `!` + lower case. */
export function escapeModulePath(modulePath: string): string {
  return modulePath.replace(/[A-Z]/g, (letter) => `!${letter.toLowerCase()}`);
}

/** The `config/crd/standard` directory of the pinned Gateway API release; throws if not downloaded. */
export async function gatewayApiStandardCrdDir(): Promise<string> {
  const version = clusterVersions().gatewayApi;
  const dir = join(
    await goModCache(),
    `${escapeModulePath("sigs.k8s.io/gateway-api")}@${version}`,
    "config",
    "crd",
    "standard",
  );
  if (!existsSync(dir)) {
    throw new Error(
      `Gateway API ${version} CRDs not found at ${dir} (download them with \`npm run cluster:build\`)`,
    );
  }
  return dir;
}
