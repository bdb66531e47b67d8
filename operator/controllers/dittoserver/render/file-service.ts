// Renders Service <name>-file, the one clients mount: NFS on the standard port 2049 (SMB 445 when
// enabled) mapped to DittoFS's non-privileged container ports; type and annotations from the spec.
import type { V1Service, V1ServicePort } from "@kubernetes/client-node";
import type { DittoServer } from "../../../generated/dittoserver.js";
import { commonLabels, dittoServerNames, selectorLabels } from "../names.js";
import { PORT_NAMES } from "../pod-layout.js";
import { resolveServerSettings } from "../settings.js";

/** File Service `<name>-file`: nfs, plus smb when smb.enabled. */
export function renderFileService(server: DittoServer): V1Service {
  const settings = resolveServerSettings(server);
  const ports: V1ServicePort[] = [
    { name: PORT_NAMES.nfs, port: settings.nfs.servicePort, targetPort: PORT_NAMES.nfs, protocol: "TCP" },
  ];
  if (settings.smb.enabled) {
    ports.push({
      name: PORT_NAMES.smb,
      port: settings.smb.servicePort,
      targetPort: PORT_NAMES.smb,
      protocol: "TCP",
    });
  }
  const annotations = { ...settings.service.annotations };
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: dittoServerNames.fileService(server),
      namespace: settings.namespace,
      labels: commonLabels(server, "file"),
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    },
    spec: { type: settings.service.type, selector: selectorLabels(server), ports },
  };
}
