// Registers the fake Node objects that kwok adopts (annotation kwok.x-k8s.io/node=fake) and checks
// they turned Ready; talks to the apiserver only.
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Node } from "@kubernetes/client-node";

export interface FakeNodeCapacity {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: string;
}

export const defaultFakeNodeCapacity: FakeNodeCapacity = { cpu: "32", memory: "256Gi", pods: "1000" };

export function fakeNodeName(index: number): string {
  return `kwok-node-${index}`;
}

/** A Node as kubelet would register it, marked for kwok; kwok then keeps its status Ready. */
export function fakeNodeManifest(name: string, capacity: FakeNodeCapacity): V1Node {
  const resources = { cpu: capacity.cpu, memory: capacity.memory, pods: capacity.pods };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        type: "kwok",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/os": "linux",
        "kubernetes.io/hostname": name,
      },
    },
    status: { capacity: resources, allocatable: resources },
  };
}

/** Creates `count` fake nodes and returns their names. */
export async function createFakeNodes(
  kubeConfig: KubeConfig,
  count: number,
  capacity: FakeNodeCapacity,
): Promise<string[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const names = Array.from({ length: count }, (_, i) => fakeNodeName(i));
  await Promise.all(names.map((name) => core.createNode({ body: fakeNodeManifest(name, capacity) })));
  return names;
}

/** Names of the `names` nodes that are not Ready yet (empty when all are). */
export async function nodesNotReady(kubeConfig: KubeConfig, names: readonly string[]): Promise<string[]> {
  const nodes = await kubeConfig.makeApiClient(CoreV1Api).listNode({ labelSelector: "type=kwok" });
  const ready = new Set(
    nodes.items
      .filter((node) =>
        (node.status?.conditions ?? []).some(
          (condition) => condition.type === "Ready" && condition.status === "True",
        ),
      )
      .map((node) => node.metadata?.name),
  );
  return names.filter((name) => !ready.has(name));
}
