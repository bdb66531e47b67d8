// Renders Service <name>-api: the DittoFS REST API (8080) inside the cluster, for dfsctl and for
// the operator's later REST configuration of stores, shares and adapters.
import type { V1Service } from "@kubernetes/client-node";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { commonLabels, dittoServerNames, selectorLabels, serverNamespace } from "../names.js";
import { PORT_NAMES } from "../pod-layout.js";
import { API_PORT } from "../settings.js";

/** ClusterIP Service `<name>-api` on port 8080. */
export function renderApiService(server: DittoServer): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: dittoServerNames.apiService(server),
      namespace: serverNamespace(server),
      labels: commonLabels(server, "api"),
    },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(server),
      ports: [{ name: PORT_NAMES.api, port: API_PORT, targetPort: PORT_NAMES.api, protocol: "TCP" }],
    },
  };
}
