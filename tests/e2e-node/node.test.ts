// The real node itself: it registered with the host's address, a pod really runs there from an image
// built offline, gets a pod IP, resolves Services through CoreDNS, reaches the API through its Service
// VIP (kube-proxy), and `kubectl logs` / `kubectl exec` reach its kubelet.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import type { V1Pod } from "@kubernetes/client-node";
import { debianBaseImage } from "../cluster/images/node-images.js";
import { importImageOnNode, testRealNode } from "../cluster/node/real-node-handle.js";
import {
  createTestNamespace,
  testBinaries,
  testCluster,
  testKubeconfigPath,
  waitFor,
} from "../integration/support/cluster.js";

const node = testRealNode();
const core = testCluster().makeApiClient(CoreV1Api);
const kubectl = (...args: string[]): string =>
  execFileSync(testBinaries().kubectl, [`--kubeconfig=${testKubeconfigPath()}`, ...args], {
    encoding: "utf8",
  });

test("the node registered Ready with the host's address as its InternalIP", async () => {
  const { status } = await core.readNode({ name: node.name });
  assert.equal(status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
  assert.deepEqual(
    status?.addresses?.filter((a) => a.type === "InternalIP").map((a) => a.address),
    [node.hostIp],
  );
});

test("a pod runs for real: pod IP, cluster DNS, the API's Service VIP, logs and exec", async (t) => {
  const namespace = await createTestNamespace(t);
  const image = await debianBaseImage();
  await importImageOnNode(node, image.archive);
  const script = [
    "set -e",
    "getent hosts kubernetes.default.svc.cluster.local",
    // bash's /dev/tcp: a TCP connect through kube-proxy's DNAT to the apiserver on the host.
    "exec 3<>/dev/tcp/10.96.0.1/443 && echo api-reachable",
    "sleep 3600",
  ].join("\n");
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: "smoke" },
      spec: {
        nodeName: node.name,
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: "smoke",
            image: image.reference,
            imagePullPolicy: "Never",
            command: ["/bin/bash", "-c", script],
          },
        ],
      },
    },
  });
  const pod = await waitFor(
    async () => {
      const current: V1Pod = await core.readNamespacedPod({ namespace, name: "smoke" });
      return current.status?.phase === "Running" ? current : undefined;
    },
    { what: "pod smoke Running on the real node", timeoutMs: 120_000 },
  );
  assert.match(pod.status?.podIP ?? "", /^10\.85\./);
  const logs = await waitFor(
    () => {
      const text = kubectl("logs", "-n", namespace, "smoke");
      return text.includes("api-reachable") ? text : undefined;
    },
    { what: "the smoke pod's logs to show the API reachable", timeoutMs: 60_000 },
  );
  assert.match(logs, /^10\.96\.0\.1\s+kubernetes\.default\.svc\.cluster\.local/m);
  assert.equal(
    kubectl("exec", "-n", namespace, "smoke", "--", "cat", "/etc/debian_version").trim().split(".")[0],
    "12",
  );
});
