// The operator's own kubeconfig reader: bearer tokens (inline, file, credential plugin), client
// certificates, CA files relative to the kubeconfig, the pod's service account, and clear refusals.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import {
  inClusterAccess,
  kubeconfigFileAccess,
  KubeAccessError,
  loadKubeAccess,
} from "../../../operator/framework/kube-access.js";

const dir = mkdtempSync(join(tmpdir(), "mediaplane-kube-access-"));

/** The text of a TLS option as the agent holds it: a string, a Buffer, or one of either in a list. */
function pemText(option: unknown): string {
  const first: unknown = Array.isArray(option) ? option[0] : option;
  if (typeof first === "string") return first;
  if (Buffer.isBuffer(first)) return first.toString("utf8");
  throw new Error(`not PEM text: ${typeof first}`);
}

function kubeconfig(
  name: string,
  user: Record<string, unknown>,
  cluster: Record<string, unknown> = {},
): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "test",
      contexts: [{ name: "test", context: { cluster: "c", user: "u" } }],
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443", ...cluster } }],
      users: [{ name: "u", user }],
    }),
  );
  return path;
}

async function headersOf(path: string): Promise<Record<string, string>> {
  const access = kubeconfigFileAccess([path]);
  assert.ok(access);
  return (await access.applyToFetchOptions({})).headers as Record<string, string>;
}

test("an inline token, a token file and basic credentials become the Authorization header", async () => {
  assert.deepEqual(await headersOf(kubeconfig("inline", { token: "abc" })), { Authorization: "Bearer abc" });
  writeFileSync(join(dir, "token.txt"), "from-file\n");
  assert.deepEqual(await headersOf(kubeconfig("file", { tokenFile: "token.txt" })), {
    Authorization: "Bearer from-file",
  });
  assert.deepEqual(await headersOf(kubeconfig("basic", { username: "a", password: "b" })), {
    Authorization: `Basic ${Buffer.from("a:b").toString("base64")}`,
  });
});

test("a credential plugin's token is used and kept until it expires", async () => {
  const script = join(dir, "plugin.sh");
  writeFileSync(
    script,
    `#!/bin/sh\necho run >> ${join(dir, "plugin-runs")}\n` +
      `echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"plugged","expirationTimestamp":"2999-01-01T00:00:00Z"}}'\n`,
  );
  chmodSync(script, 0o755);
  const access = kubeconfigFileAccess([
    kubeconfig("exec", { exec: { command: script, apiVersion: "client.authentication.k8s.io/v1" } }),
  ]);
  assert.ok(access);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual((await access.applyToFetchOptions({})).headers, { Authorization: "Bearer plugged" });
  }
  assert.equal(readFileSync(join(dir, "plugin-runs"), "utf8"), "run\n", "the plugin ran once");
});

test("certificates come from data or from files next to the kubeconfig; TLS checks stay on unless skipped", async () => {
  writeFileSync(join(dir, "ca.crt"), "CA-PEM");
  writeFileSync(join(dir, "key.pem"), "KEY");
  const access = kubeconfigFileAccess([
    kubeconfig(
      "certs",
      { "client-certificate-data": Buffer.from("CERT").toString("base64"), "client-key": "key.pem" },
      { "certificate-authority": "ca.crt" },
    ),
  ]);
  assert.ok(access);
  const { agent } = await access.applyToFetchOptions({});
  assert.ok(agent instanceof Agent);
  assert.equal(pemText(agent.options.ca), "CA-PEM");
  assert.equal(pemText(agent.options.cert), "CERT");
  assert.equal(pemText(agent.options.key), "KEY");
  assert.equal(agent.options.rejectUnauthorized, true);
  const insecure = kubeconfigFileAccess([
    kubeconfig("insecure", { token: "t" }, { "insecure-skip-tls-verify": true }),
  ]);
  assert.equal(((await insecure?.applyToFetchOptions({}))?.agent as Agent).options.rejectUnauthorized, false);
});

test("in a pod: the Service address and the mounted token and CA", async () => {
  const account = mkdtempSync(join(tmpdir(), "mediaplane-sa-"));
  writeFileSync(join(account, "token"), "sa-token");
  writeFileSync(join(account, "ca.crt"), "SA-CA");
  const access = inClusterAccess(
    { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" },
    account,
  );
  assert.ok(access);
  assert.equal(access.getCurrentCluster()?.server, "https://[fd00::1]:443");
  assert.deepEqual((await access.applyToFetchOptions({})).headers, { Authorization: "Bearer sa-token" });
  assert.equal(inClusterAccess({}, account), undefined, "not in a pod without the Service variables");
});

test("auth-provider users and an undefined current context are refused with a message; no config is undefined", () => {
  assert.throws(
    () => kubeconfigFileAccess([kubeconfig("oidc", { "auth-provider": { name: "oidc" } })]),
    (error: unknown) => error instanceof KubeAccessError && /auth-provider/.test(error.message),
  );
  const broken = join(dir, "broken.yaml");
  writeFileSync(broken, stringify({ "current-context": "missing", contexts: [] }));
  assert.throws(() => kubeconfigFileAccess([broken]), /current-context "missing" is not defined/);
  assert.equal(loadKubeAccess({ HOME: dir }), undefined);
});
