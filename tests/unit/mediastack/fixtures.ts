// Shared inputs of the MediaStack unit tests: the samples as MediaStacks, credentials the reconcile
// would have generated, and a render of all of a stack's objects for the golden files.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parse } from "yaml";
import type { MediaStack } from "../../../operator/generated/mediastack.js";
import {
  renderMediaStack,
  type MediaStackRender,
  type MediaStackRenderInputs,
  type QbittorrentCredentials,
  type StackApiKeys,
} from "../../../operator/controllers/mediastack/render/index.js";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function loadSample(file: string): MediaStack {
  return parse(readFileSync(join(repoRoot, "samples", "mediastack", file), "utf8")) as MediaStack;
}

/** Test values only: what the reconcile would generate with node:crypto and hashQbittorrentPassword. */
export const testCredentials: QbittorrentCredentials = {
  username: "mediaplane",
  password: "Zr8Kq2vNw4Xp9Lm3Tg6Hb1Yc",
  passwordPbkdf2:
    "@ByteArray(3d9bFXq5mVQ2f0d0cJ8x1w==:Gm1u0hP2Yc8y3Rk0Zq7l6Q9tVw4sXb2eNf5aLd8Jk3Hm0Pq1Rs6Tu9Vw2Xy5Zb8Cd1Ef4Gh7Ij0Kl3Mn6Op9Qr2St==)",
};

/** Test values only: what wiring/api-keys.ts would generate. */
export const testApiKeys: StackApiKeys = {
  sonarr: "0123456789abcdef0123456789abcdef",
  radarr: "fedcba9876543210fedcba9876543210",
  prowlarr: "00112233445566778899aabbccddeeff",
  bazarr: "b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5",
  transmissionUsername: "mediaplane",
  transmissionPassword: "Tr4Ns9Ms5Si0On2Pw7Dx3Qe8",
  jellyfinAdminUsername: "mediaplane-admin",
  jellyfinAdminPassword: "Jf7Lq2Wm9Xv4Bn8Ks3Tz6Hd1",
};

export function renderWithDefaults(stack: MediaStack, inputs: MediaStackRenderInputs = {}): MediaStackRender {
  return renderMediaStack(stack, {
    qbittorrentCredentials: testCredentials,
    apiKeys: testApiKeys,
    ...inputs,
  });
}

/** The PersistentVolume (when any) followed by the namespaced children: what a golden file holds. */
export function allObjects(render: MediaStackRender): KubernetesObject[] {
  return [...(render.persistentVolume ? [render.persistentVolume] : []), ...render.children];
}

/** A stack built in code, for scenarios without a sample. */
export function stackWith(spec: MediaStack["spec"], name = "arr", namespace = "media"): MediaStack {
  return { apiVersion: "mediaplane.io/v1alpha1", kind: "MediaStack", metadata: { name, namespace }, spec };
}
