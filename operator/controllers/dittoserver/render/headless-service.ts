// Renders Service <name>-headless, the StatefulSet's governing Service: stable DNS for the pod
// (<name>-0.<name>-headless), published before readiness so peers can resolve a starting server.
import type { V1Service } from "@kubernetes/client-node";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { commonLabels, dittoServerNames, selectorLabels, serverNamespace } from "../names.js";
import { PORT_NAMES } from "../pod-layout.js";
import { API_PORT } from "../settings.js";

/** Headless Service `<name>-headless` selecting the server's pods. */
export function renderHeadlessService(server: DittoServer): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: dittoServerNames.headlessService(server),
      namespace: serverNamespace(server),
      labels: commonLabels(server, "server"),
    },
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: selectorLabels(server),
      ports: [{ name: PORT_NAMES.api, port: API_PORT, targetPort: PORT_NAMES.api, protocol: "TCP" }],
    },
  };
}
