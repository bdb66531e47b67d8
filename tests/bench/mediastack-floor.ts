// The MediaStack floor: what the controller's renderMediaStack renders for each stack, applied directly
// by server-side apply, stacks side by side at the controller's concurrency, children in order as it does.
import { randomBytes } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { hashQbittorrentPassword } from "../../operator/clients/qbittorrent/password-hash.js";
import {
  renderMediaStack,
  type MediaStackRender,
} from "../../operator/controllers/mediastack/render/index.js";
import type { KubeApi } from "../../operator/framework/kube-api.js";
import { apiVersionOf, builtinResources, resourceFor } from "../../operator/framework/resource.js";
import { MediaStackResource, type MediaStack } from "../../operator/generated/mediastack.js";
import { inPool } from "./stack-fixtures.js";

/** The operator's field manager (framework/operator.ts), so the floor writes what the operator writes. */
const fieldManager = "mediaplane";

/** What the reconcile would pass in for a new stack: freshly generated credentials and keys. */
export function renderNewStack(stack: MediaStack): MediaStackRender {
  const password = randomBytes(24).toString("base64url");
  return renderMediaStack(stack, {
    qbittorrentCredentials: {
      username: `mediaplane-${randomBytes(4).toString("hex")}`,
      password,
      passwordPbkdf2: hashQbittorrentPassword(password),
    },
    apiKeys: {
      sonarr: randomBytes(16).toString("hex"),
      radarr: randomBytes(16).toString("hex"),
      prowlarr: randomBytes(16).toString("hex"),
      bazarr: randomBytes(16).toString("hex"),
      transmissionUsername: "mediaplane",
      transmissionPassword: randomBytes(24).toString("base64url"),
      jellyfinAdminUsername: "mediaplane-admin",
      jellyfinAdminPassword: randomBytes(24).toString("base64url"),
    },
  });
}

/** The controller owner reference the framework's child writer adds (framework/children.ts). */
function ownedBy(stack: MediaStack, child: KubernetesObject): KubernetesObject {
  return {
    ...child,
    metadata: {
      ...child.metadata,
      namespace: child.metadata?.namespace ?? stack.metadata.namespace,
      ownerReferences: [
        {
          apiVersion: apiVersionOf(MediaStackResource),
          kind: "MediaStack",
          name: stack.metadata.name ?? "",
          uid: stack.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
  };
}

/**
 * Creates `stacks` (25 at a time, as the benchmark creates them for the operator; no operator runs),
 * then per stack applies its volume and children in order, `concurrency` stacks at a time.
 * Returns the milliseconds from the first create to the last apply.
 */
export async function mediaStackFloor(
  api: KubeApi,
  stacks: readonly MediaStack[],
  concurrency: number,
): Promise<number> {
  const known = Object.values(builtinResources);
  const started = Date.now();
  const created: MediaStack[] = [];
  await inPool(stacks, 25, async (stack) => created.push(await api.create(MediaStackResource, stack)));
  await inPool(created, concurrency, async (stack) => {
    const rendered = renderNewStack(stack);
    if (rendered.persistentVolume)
      await api.apply(builtinResources.PersistentVolume, rendered.persistentVolume, fieldManager);
    for (const child of rendered.children)
      await api.apply(resourceFor(child, known), ownedBy(stack, child), fieldManager);
  });
  return Date.now() - started;
}
