// The client Secret example of docs/torrent.md, applied exactly as written with the real kubectl to the
// real API server, then read back and resolved by the Torrent controller's own client resolution, so
// the docs can never again give a Secret that fails as written (placeholder base64, missing namespace).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { KubernetesObject, V1Secret } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { resolveClient } from "../../../operator/controllers/torrent/client-resolution.js";
import type { CacheReader } from "../../../operator/framework/context.js";
import type { Torrent } from "../../../operator/generated/torrent.js";
import { kubectlOk } from "./kubectl-session.js";

const marker =
  "<!-- applied to a real API server, as written, by tests/integration/crds/docs-examples.test.ts -->";

/** The first ```yaml block after the marker in docs/<file>. */
function markedExample(file: string): string {
  const text = readFileSync(new URL(`../../../docs/${file}`, import.meta.url), "utf8");
  const after = text.indexOf(marker);
  assert.ok(after >= 0, `docs/${file} has no marked example`);
  const block = /```yaml\n([\s\S]*?)```/.exec(text.slice(after));
  assert.ok(block?.[1] !== undefined, `docs/${file}: no yaml block after the marker`);
  return block[1];
}

/** A cache over objects read back from the cluster, keyed the way the informers key them. */
function cacheOf(objects: readonly KubernetesObject[]): CacheReader {
  const find = (kind: string, namespace: string | undefined, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata?.namespace === namespace && o.metadata?.name === name);
  return {
    get: <T extends KubernetesObject>(
      resource: { kind: string },
      namespace: string | undefined,
      name: string,
    ) => find(resource.kind, namespace, name) as T | undefined,
    list: () => [],
    isServed: () => true,
    byIndex: () => {
      throw new Error("this cache has no indexes");
    },
  };
}

test("docs/torrent.md's client Secret example applies as written and the controller accepts it", async (t) => {
  const example = markedExample("torrent.md");
  const documents = parseAllDocuments(example).map((document) => document.toJS() as KubernetesObject);
  assert.deepEqual(
    documents.map((document) => document.kind),
    ["Namespace", "Secret", "Torrent"],
    "the namespace comes first",
  );
  const namespace = documents[0]?.metadata?.name;
  assert.ok(namespace !== undefined);
  t.after(() => kubectlOk(["delete", "namespace", namespace, "--wait=false", "--ignore-not-found"]));

  // No -n: every object says where it goes, as a user's kubectl apply -f sees it.
  await kubectlOk(["apply", "-f", "-"], example);

  const read = async <T extends KubernetesObject>(kind: string, name: string): Promise<T> =>
    JSON.parse(await kubectlOk(["get", kind, name, "-n", namespace, "-o", "json"])) as T;
  const secret = await read<V1Secret>("secret", "qbittorrent-client");
  const torrent = await read<Torrent>("torrent", "my-first-torrent");
  const written = documents[1] as V1Secret;
  for (const key of ["url", "username", "password"]) {
    assert.equal(
      Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8"),
      written.stringData?.[key],
      `the stored ${key} is the one the docs wrote`,
    );
  }

  const resolution = resolveClient(torrent, cacheOf([secret]), undefined);
  assert.equal(resolution.kind, "ready", JSON.stringify(resolution));
  if (resolution.kind === "ready") {
    assert.equal(resolution.target.url, written.stringData?.url);
    assert.equal(resolution.target.username, written.stringData?.username);
    assert.equal(resolution.target.password, written.stringData?.password);
  }
});
