// The platform on the real node, shared by its e2e and the demo: the images built and imported, the
// chart installed with the local operator image, samples/platform pointed at the local images.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { dfsBinaryPath } from "./binaries.js";
import type { BuiltImage } from "./images/image-cache.js";
import { dittofsImage, operatorImage, qbittorrentImage } from "./images/node-images.js";
import { importImageOnNode } from "./node/real-node-handle.js";
import type { RealNodeHandle } from "./node/real-node-handle.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface PlatformImages {
  readonly operator: BuiltImage;
  readonly qbittorrent: BuiltImage;
  readonly dittofs: BuiltImage;
}

/** Builds (or finds cached) and imports the operator, qBittorrent and DittoFS images. */
export async function preparePlatformImages(node: RealNodeHandle, binDir?: string): Promise<PlatformImages> {
  const images = {
    operator: await operatorImage(),
    qbittorrent: await qbittorrentImage(),
    dittofs: await dittofsImage(dfsBinaryPath(binDir)),
  };
  for (const image of Object.values(images)) await importImageOnNode(node, image.archive);
  return images;
}

export interface ChartInstall {
  readonly helm: string;
  readonly kubeconfigPath: string;
  readonly release: string;
  readonly namespace: string;
  readonly image: BuiltImage;
  readonly replicas: number;
  readonly logLevel?: string;
}

/** `helm install` of helm/mediaplane with the local image (CRDs are the control plane's already). */
export function installOperatorChart(install: ChartInstall): void {
  const set = (value: string): string[] => ["--set", value];
  execFileSync(
    install.helm,
    [
      `--kubeconfig=${install.kubeconfigPath}`,
      "install",
      install.release,
      `${repoRoot}helm/mediaplane`,
      "--namespace",
      install.namespace,
      "--create-namespace",
      ...set(`image.repository=${install.image.repository}`),
      ...set(`image.tag=${install.image.tag}`),
      ...set("image.pullPolicy=Never"),
      ...set(`replicaCount=${install.replicas}`),
      ...set("crds.enabled=false"),
      ...set(`logLevel=${install.logLevel ?? "info"}`),
      "--wait",
      "--timeout=5m",
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** The claim the stack's /data uses on the real node (a hostPath volume: this kernel has no NFS). */
export const realNodeDataClaim = "media-data";

/**
 * samples/platform in `namespace`, on the local images: the DittoServer runs our dfs image; the
 * MediaStack runs only qBittorrent (the one app with an image here) with /data on a hostPath claim,
 * because this kernel cannot mount NFS (no nfs/nfs4 in /proc/filesystems, no modules to load).
 */
export function realNodePlatformObjects(namespace: string, images: PlatformImages): KubernetesObject[] {
  const text = readFileSync(`${repoRoot}samples/platform/platform.yaml`, "utf8");
  return parseAllDocuments(text).map((doc) => {
    const object = doc.toJS() as KubernetesObject & { spec: Record<string, unknown> };
    const metadata = { ...object.metadata, namespace };
    if (object.kind === "DittoServer") {
      return { ...object, metadata, spec: { ...object.spec, image: images.dittofs.reference } };
    }
    if (object.kind !== "MediaStack") return { ...object, metadata };
    const off = { enabled: false };
    return {
      ...object,
      metadata,
      spec: {
        ...object.spec,
        imagePullPolicy: "Never",
        storage: { data: { existingClaim: realNodeDataClaim } },
        apps: {
          qbittorrent: { image: images.qbittorrent.repository, tag: images.qbittorrent.tag },
          prowlarr: off,
          sonarr: off,
          radarr: off,
          jellyfin: off,
        },
      },
    };
  });
}
