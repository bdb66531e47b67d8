// The seed's security context (002 §4.25.3.3) in one place: no privilege escalation, seccomp
// RuntimeDefault, drop ALL; LinuxServer images get back only what s6-overlay needs to drop to PUID.
import type { V1PodSecurityContext, V1SecurityContext } from "@kubernetes/client-node";
import { linuxServerCapabilities } from "../catalog.js";
import type { ResolvedApp, StackSettings } from "../stack-settings.js";

/**
 * Pod level: seccomp for every container, and fsGroup so a fresh config volume is writable by the
 * non-root init containers and Jellyfin (kubelet applies it to block volumes, never to NFS, so the
 * media on /data is not touched). OnRootMismatch keeps restarts from walking the whole volume.
 */
export function renderPodSecurityContext(settings: StackSettings): V1PodSecurityContext {
  return {
    seccompProfile: { type: "RuntimeDefault" },
    fsGroup: settings.pgid,
    fsGroupChangePolicy: "OnRootMismatch",
  };
}

/** A container that runs as PUID/PGID from its first instruction and needs no capability. */
export function renderNonRootSecurityContext(settings: StackSettings): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    runAsUser: settings.puid,
    runAsGroup: settings.pgid,
    capabilities: { drop: ["ALL"] },
  };
}

/** The app's own container: LinuxServer images start as root and drop to PUID/PGID themselves. */
export function renderAppSecurityContext(app: ResolvedApp, settings: StackSettings): V1SecurityContext {
  if (!app.catalog.linuxServer) return renderNonRootSecurityContext(settings);
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"], add: [...linuxServerCapabilities] },
  };
}
