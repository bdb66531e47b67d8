// `tsx tests/cluster/up.ts`: starts one test control plane for development and keeps it until Ctrl-C,
// printing the export line that makes tests/run-tests.ts (and kubectl) reuse it.
import { startControlPlane } from "./control-plane.js";

const controlPlane = await startControlPlane();
const seconds = (controlPlane.startupMs / 1000).toFixed(1);
process.stdout.write(
  [
    `# test control plane up in ${seconds}s (logs in ${controlPlane.tempDir}); Ctrl-C stops it`,
    `export MEDIAPLANE_TEST_KUBECONFIG=${controlPlane.kubeconfigPath}`,
    `export MEDIAPLANE_TEST_BIN_DIR=${controlPlane.binDir}`,
    `alias kubectl='${controlPlane.binaries.kubectl} --kubeconfig=${controlPlane.kubeconfigPath}'`,
    "",
  ].join("\n"),
);
// Keep the event loop alive; exit-cleanup.ts stops the cluster and exits on SIGINT/SIGTERM.
setInterval(() => undefined, 1 << 30);
