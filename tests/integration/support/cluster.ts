// What integration tests import to reach the run's real control plane (started by tests/run-tests.ts and
// named by MEDIAPLANE_TEST_KUBECONFIG): clients, a fresh namespace per test, ServiceAccount kubeconfigs.
import { dirname } from "node:path";
import type { TestContext } from "node:test";
import { randomBytes } from "node:crypto";
import { ApiException, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { clusterBinaryPaths } from "../../cluster/binaries.js";
import type { ClusterBinaries } from "../../cluster/binaries.js";
import { waitFor } from "../../cluster/polling.js";
import { mintServiceAccountKubeconfig } from "../../cluster/service-account-kubeconfig.js";
import type { ServiceAccountKubeconfig } from "../../cluster/service-account-kubeconfig.js";

export { waitFor } from "../../cluster/polling.js";
export type { WaitOptions } from "../../cluster/polling.js";
export type { ServiceAccountKubeconfig } from "../../cluster/service-account-kubeconfig.js";

/** Path of the admin kubeconfig of the run's cluster. */
export function testKubeconfigPath(): string {
  const path = process.env["MEDIAPLANE_TEST_KUBECONFIG"];
  if (path === undefined || path === "") {
    throw new Error(
      "MEDIAPLANE_TEST_KUBECONFIG is not set: run integration tests through `npx tsx tests/run-tests.ts <files>` " +
        "(it starts a control plane), or start one with `npx tsx tests/cluster/up.ts` and export what it prints",
    );
  }
  return path;
}

/** A fresh admin KubeConfig for the run's cluster. */
export function testCluster(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(testKubeconfigPath());
  return kubeConfig;
}

/** Paths of kubectl, helm and the other cluster binaries (from MEDIAPLANE_TEST_BIN_DIR when set). */
export function testBinaries(): ClusterBinaries {
  const binDir = process.env["MEDIAPLANE_TEST_BIN_DIR"];
  return binDir !== undefined && binDir !== "" ? clusterBinaryPaths(binDir) : clusterBinaryPaths();
}

/** The HTTP status of a failed API call, or undefined for any other error. */
export function apiStatusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? (error as ApiException<unknown>).code : undefined;
}

/** A DNS-1123 label from the test's name plus a random suffix. */
function namespaceNameFor(testName: string): string {
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `it-${slug === "" ? "test" : slug}-${randomBytes(3).toString("hex")}`;
}

export interface TestNamespaceOptions {
  /**
   * Wait until the controller-manager has created the namespace's `default` ServiceAccount, without
   * which the apiserver refuses pods (default true).
   */
  readonly waitForDefaultServiceAccount?: boolean;
}

/**
 * Creates a namespace for this test and deletes it in `t.after` (without waiting for it to be gone).
 * Returns its name.
 */
export async function createTestNamespace(
  t: TestContext,
  options: TestNamespaceOptions = {},
): Promise<string> {
  const core = testCluster().makeApiClient(CoreV1Api);
  const name = namespaceNameFor(t.name);
  await core.createNamespace({
    body: { metadata: { name, labels: { "mediaplane.test/integration": "true" } } },
  });
  t.after(async () => {
    try {
      await core.deleteNamespace({ name });
    } catch (error) {
      if (apiStatusCode(error) !== 404) throw error;
    }
  });
  if (options.waitForDefaultServiceAccount ?? true) {
    await waitFor(() => core.readNamespacedServiceAccount({ namespace: name, name: "default" }), {
      what: `ServiceAccount ${name}/default`,
      timeoutMs: 20_000,
    });
  }
  return name;
}

/** Same as createTestNamespace. */
export const withNamespace: (t: TestContext, options?: TestNamespaceOptions) => Promise<string> =
  createTestNamespace;

/**
 * A kubeconfig acting as ServiceAccount `namespace/name` (which must exist), written next to the run's
 * admin kubeconfig so it goes away with the cluster.
 */
export function serviceAccountKubeconfig(namespace: string, name: string): Promise<ServiceAccountKubeconfig> {
  return mintServiceAccountKubeconfig(testCluster(), namespace, name, { dir: dirname(testKubeconfigPath()) });
}
