// Runs the run's real kubectl against the test cluster the way a user would (manifests on stdin), and
// splits its refusals per object, so CRD tests assert the exact text a person sees.
import { spawn } from "node:child_process";
import { stringify } from "yaml";
import { testBinaries, testKubeconfigPath } from "../support/cluster.js";

export interface KubectlResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** kubectl `args` with `stdin`, never throwing on a non-zero exit (the caller asserts it). */
export function runKubectl(args: readonly string[], stdin = ""): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(testBinaries().kubectl, ["--kubeconfig", testKubeconfigPath(), ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** kubectl `args`; throws with kubectl's stderr unless it exits 0. Returns stdout. */
export async function kubectlOk(args: readonly string[], stdin = ""): Promise<string> {
  const result = await runKubectl(args, stdin);
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** Objects as one multi-document manifest, the way a user's file holds them. */
export function manifestOf(objects: readonly object[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join("---\n");
}

/**
 * `kubectl create -f -` of every object at once; returns kubectl's error text for each refused object,
 * keyed by metadata.name (an object missing from the map was created).
 */
export async function createAll(
  namespace: string,
  objects: ReadonlyArray<{ metadata: { name: string } }>,
): Promise<Map<string, string>> {
  const { stderr } = await runKubectl(["create", "-n", namespace, "-f", "-"], manifestOf(objects));
  const refusals = new Map<string, string>();
  for (const line of stderr.split("\n")) {
    const refused =
      /^Error from server \(\w+\): error when creating "STDIN": \S+ "([^"]+)" is invalid: (.*)$/.exec(line);
    if (refused?.[1] !== undefined && refused[2] !== undefined) refusals.set(refused[1], refused[2]);
    else if (line.trim() !== "") throw new Error(`unexpected kubectl output: ${line}`);
  }
  return refusals;
}
