// Installs CRDs (Gateway API's and the repo's crds/) by server-side apply through client-node and waits
// until each is Established; independent of operator/framework, so the cluster never breaks with it.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import {
  ApiextensionsV1Api,
  dumpYaml,
  KubernetesObjectApi,
  loadYaml,
  PatchStrategy,
} from "@kubernetes/client-node";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { parse, parseAllDocuments } from "yaml";
import { waitFor } from "./polling.js";

/** One object read from a manifest file, with where it came from for error messages. */
export interface ManifestObject {
  /** In client-node's model form (see toClientModel), ready for KubernetesObjectApi. */
  readonly object: KubernetesObject;
  readonly source: string;
}

/**
 * client-node serializes built-in kinds through its generated models, which read camelCase
 * properties (`xKubernetesIntOrString`): a wire-format CRD passed as is loses every
 * `x-kubernetes-*` field, CEL rules included. Convert to the model first, and refuse objects
 * whose round trip would still lose something (fields newer than client-node's models).
 */
export function toClientModel(wire: KubernetesObject, source: string): KubernetesObject {
  const model = loadYaml<KubernetesObject>(JSON.stringify(wire));
  if (!isDeepStrictEqual(parse(dumpYaml(model)), wire)) {
    throw new Error(
      `${source}: client-node's ${wire.apiVersion} ${wire.kind} model cannot carry every field`,
    );
  }
  return model;
}

const fieldManager = "mediaplane-test-cluster";

/** Every object in the *.yaml/*.yml files under `dir` (recursively, sorted); [] when `dir` is absent. */
export async function readManifestDir(dir: string): Promise<ManifestObject[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files = entries.filter((name) => /\.ya?ml$/.test(name)).sort();
  const objects: ManifestObject[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const documents = parseAllDocuments(await readFile(path, "utf8"));
    for (const [index, document] of documents.entries()) {
      if (document.errors.length > 0) {
        throw new Error(
          `${path}: document ${index + 1}: ${document.errors.map((e) => e.message).join("; ")}`,
        );
      }
      const object: unknown = document.toJS();
      if (object === null || object === undefined) continue;
      if (typeof object !== "object" || !("kind" in object) || !("apiVersion" in object)) {
        throw new Error(`${path}: document ${index + 1} is not a Kubernetes object`);
      }
      const source = `${path} #${index + 1}`;
      objects.push({ object: toClientModel(object as KubernetesObject, source), source });
    }
  }
  return objects;
}

function errorText(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === "string" && body !== "") return body;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Server-side applies every object (forcing ownership) through client-node's KubernetesObjectApi,
 * which is why objects are kept in model form. Errors name the manifest they came from.
 */
export async function applyManifests(
  kubeConfig: KubeConfig,
  manifests: readonly ManifestObject[],
): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  await Promise.all(
    manifests.map(async ({ object, source }) => {
      try {
        await client.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
      } catch (error) {
        throw new Error(
          `applying ${object.kind} ${object.metadata?.name ?? "?"} from ${source}: ${errorText(error)}`,
          { cause: error },
        );
      }
    }),
  );
}

/** Names of the CustomResourceDefinitions among `manifests`. */
export function crdNames(manifests: readonly ManifestObject[]): string[] {
  return manifests
    .filter(({ object }) => object.kind === "CustomResourceDefinition" && object.metadata?.name !== undefined)
    .map(({ object }) => object.metadata?.name ?? "");
}

/** Waits until every named CRD has condition Established=True. */
export async function waitForCrdsEstablished(
  kubeConfig: KubeConfig,
  names: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  if (names.length === 0) return;
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  await waitFor(
    async () => {
      const list = await api.listCustomResourceDefinition();
      const established = new Set(
        list.items
          .filter((crd) =>
            (crd.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True"),
          )
          .map((crd) => crd.metadata?.name),
      );
      const pending = names.filter((name) => !established.has(name));
      if (pending.length > 0) throw new Error(`not Established yet: ${pending.join(", ")}`);
      return true;
    },
    { what: "CRDs to be Established", timeoutMs },
  );
}
