// The init container that creates the hardlink layout (/data/torrents/* and /data/media/*) on the
// shared volume, so no one has to mkdir on the NAS by hand (seed 002 §4.25.1.1).
import type { V1Container } from "@kubernetes/client-node";
import { dataLayoutDirectories, dataMountPath } from "../catalog.js";
import { initContainerNames, volumeNames } from "../names.js";
import type { ResolvedApp, StackSettings } from "../stack-settings.js";
import { renderNonRootSecurityContext } from "./security-contexts.js";

/**
 * Creates only the directories that are missing and never touches an existing one: no chown -R, no
 * chmod, so a library that is already there stays exactly as it is. It runs as PUID:PGID rather
 * than as root, so what it creates is owned by PUID:PGID without a chown, and it works on NFS
 * exports with root_squash (the default), where root would be mapped to nobody. The one requirement
 * left is that /data itself is writable by PUID; the error says so when it is not.
 *
 * Every app that mounts /data runs it (mkdir of an existing directory is a no-op, and a directory
 * created meanwhile by another pod counts as done), so the layout exists whichever apps are enabled.
 */
export function renderDataLayoutInitContainer(app: ResolvedApp, settings: StackSettings): V1Container {
  const script = [
    "set -eu",
    `for dir in ${dataLayoutDirectories.join(" ")}; do`,
    '  [ -d "$dir" ] && continue',
    '  if mkdir "$dir" 2>/dev/null || [ -d "$dir" ]; then echo "created $dir"; continue; fi',
    `  echo "cannot create $dir: ${dataMountPath} must be writable by uid $(id -u) gid $(id -g) (chown it on the NFS server)" >&2`,
    "  exit 1",
    "done",
  ].join("\n");
  return {
    name: initContainerNames.dataLayout,
    image: app.image,
    imagePullPolicy: settings.imagePullPolicy,
    command: ["/bin/sh", "-c", script],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    securityContext: renderNonRootSecurityContext(settings),
    volumeMounts: [{ name: volumeNames.data, mountPath: dataMountPath }],
  };
}
