// Renders the stack's NetworkPolicy: seed 002 §4.25.10 (written there as a CiliumNetworkPolicy) as
// a standard networking.k8s.io/v1 policy, so it works with any CNI that enforces policies.
import type {
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
} from "@kubernetes/client-node";
import type { MediaStack } from "../../../generated/mediastack.js";
import { stackDefaults } from "../catalog.js";
import { networkPolicyName, sharedLabels, stackPodSelectorLabels } from "../names.js";
import { stackIdentity } from "../stack-identity.js";

/**
 * A NetworkPolicy as it goes on the wire. client-node's model names the ingress rule's `from` field
 * `_from` (its own serializer renames it); the framework sends objects with JSON.stringify, so the
 * renderer writes the API's `from`.
 */
export type NetworkPolicyIngressRuleWire = Omit<V1NetworkPolicyIngressRule, "_from"> & {
  from?: V1NetworkPolicyPeer[];
};
export type NetworkPolicyWire = Omit<V1NetworkPolicy, "spec"> & {
  spec: Omit<NonNullable<V1NetworkPolicy["spec"]>, "ingress"> & { ingress: NetworkPolicyIngressRuleWire[] };
};

function fromNamespace(namespace: string): V1NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } };
}

/**
 * Applies to the stack's pods only (not to other workloads of the namespace). Ingress: from any pod
 * of the namespace (the apps call each other), from the gateway namespace (routes) and from the
 * monitoring namespace (Prometheus); everything else is denied. Egress: anywhere (indexers, trackers
 * and peers are on the internet).
 */
export function renderNetworkPolicy(stack: MediaStack): NetworkPolicyWire {
  const { name: stackName, namespace } = stackIdentity(stack);
  const policy = stack.spec.networkPolicy ?? {};
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: networkPolicyName(stackName),
      namespace,
      labels: sharedLabels(stackName, "network-policy"),
    },
    spec: {
      podSelector: { matchLabels: stackPodSelectorLabels(stackName) },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        { from: [{ podSelector: {} }] },
        { from: [fromNamespace(policy.gatewayNamespace ?? stackDefaults.networkPolicyGatewayNamespace)] },
        {
          from: [fromNamespace(policy.monitoringNamespace ?? stackDefaults.networkPolicyMonitoringNamespace)],
        },
      ],
      egress: [{}],
    },
  };
}
