// How tests/run-tests.ts tells the test files about the real node it started (an environment
// variable with JSON), and how a test reads it; a test file run without one gets a clear error.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** What a test needs to know to put images on the real node and to find its files. */
export interface RealNodeHandle {
  readonly name: string;
  readonly hostIp: string;
  /** containerd's socket, for `ctr --address <it> -n k8s.io images import`. */
  readonly containerdAddress: string;
  /** The run's directory (hostPath volumes of the tests go under it). */
  readonly tempDir: string;
}

export const realNodeEnv = "MEDIAPLANE_TEST_REAL_NODE";

export function testRealNode(): RealNodeHandle {
  const text = process.env[realNodeEnv];
  if (text === undefined || text === "") {
    throw new Error(
      `${realNodeEnv} is not set: run real-node tests with \`npm run test:real-node\` (it starts the real node)`,
    );
  }
  return JSON.parse(text) as RealNodeHandle;
}

/** Imports an image archive into the node's containerd (`k8s.io` namespace, what kubelet sees). */
export async function importImageOnNode(handle: RealNodeHandle, archive: string): Promise<void> {
  await promisify(execFile)("ctr", [
    "--address",
    handle.containerdAddress,
    "-n",
    "k8s.io",
    "images",
    "import",
    archive,
  ]);
}

/** Gives an imported image a second reference in the node's containerd (`ctr images tag`). */
export async function tagImageOnNode(handle: RealNodeHandle, source: string, target: string): Promise<void> {
  await promisify(execFile)("ctr", [
    "--address",
    handle.containerdAddress,
    "-n",
    "k8s.io",
    "images",
    "tag",
    "--force",
    source,
    target,
  ]);
}
