// Paths of the Go-built tools the release tests run (actionlint, the distribution registry), built by
// tests/cluster/build.sh into the shared binary cache as <name>-<version> after their wrapper modules.
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { clusterBinDir } from "../cluster/binaries.js";
import { pinnedVersion } from "../cluster/versions.js";

const tools = {
  actionlint: { wrapper: "actionlint", module: "github.com/rhysd/actionlint" },
  registry: { wrapper: "distribution", module: "github.com/distribution/distribution/v3" },
} as const;

/** The cached binary of `name`; throws naming the build command when it is missing. */
export function releaseToolBinary(name: keyof typeof tools): string {
  const { wrapper, module } = tools[name];
  const fromTestEnv = process.env["MEDIAPLANE_TEST_BIN_DIR"];
  const dir = fromTestEnv !== undefined && fromTestEnv !== "" ? fromTestEnv : clusterBinDir();
  const path = join(dir, `${name}-${pinnedVersion(wrapper, module)}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is missing: run bash tests/cluster/build.sh`);
  }
  return path;
}
