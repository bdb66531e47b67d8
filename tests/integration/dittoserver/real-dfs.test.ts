// The real DittoFS server judges our rendering: the pinned `dfs` validates each rendered config.yaml
// with the rendered env, then serves /health, /health/ready, /metrics and a login on loopback.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import type { V1ConfigMap, V1Secret, V1StatefulSet } from "@kubernetes/client-node";
import { parse } from "yaml";
import type { DittoServer } from "../../../operator/generated/dittoserver.js";
import { dittoServerNames } from "../../../operator/controllers/dittoserver/names.js";
import { CONFIG_FILE_NAME } from "../../../operator/controllers/dittoserver/pod-layout.js";
import { renderDittoServer } from "../../../operator/controllers/dittoserver/render/index.js";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { probe } from "../../cluster/health-probe.js";
import { waitFor } from "../../cluster/polling.js";
import { dfsBinaryPath } from "../../cluster/binaries.js";
import { goldenScenarios, sampleDocuments, secretVersionsFor } from "../../unit/dittoserver/fixtures.js";
import {
  builtDfsBinary,
  mountDirs,
  remapConfigPaths,
  remapPath,
  resolveEnv,
  runDfs,
  serverContainer,
  startDfs,
} from "./real-dfs-support.js";

const dfs = builtDfsBinary();
const skip =
  dfs === undefined ? `dfs is not built (${dfsBinaryPath()}): run \`npm run cluster:build\`` : false;

interface Rendered {
  configYaml: string;
  statefulSet: V1StatefulSet;
  /** The generated control-plane Secret plus the Secrets a user would create for this server. */
  secrets: V1Secret[];
  adminPassword: string;
}

function render(server: DittoServer, userSecrets: V1Secret[]): Rendered {
  const adminPassword = randomBytes(12).toString("base64url");
  const rendering = renderDittoServer(server, {
    secretVersions: secretVersionsFor(server),
    controlPlaneCredentials: { jwtSecret: randomBytes(32).toString("hex"), adminPassword },
  });
  const objects = rendering.children.map((child) => child.object);
  const configMap = objects.find((o) => o.kind === "ConfigMap") as V1ConfigMap;
  const statefulSet = objects.find((o) => o.kind === "StatefulSet") as V1StatefulSet;
  const generated = objects.filter((o) => o.kind === "Secret") as V1Secret[];
  const configYaml = configMap.data?.[CONFIG_FILE_NAME];
  assert.ok(configYaml !== undefined, "the ConfigMap has a config.yaml");
  return { configYaml, statefulSet, secrets: [...generated, ...userSecrets], adminPassword };
}

/** The Secret a user applies next to the S3 sample. */
function s3SampleSecret(): V1Secret {
  return sampleDocuments("with-s3.yaml").find((d) => d.kind === "Secret") as V1Secret;
}

/** The user Secret the Percona operator would write (values for a database nobody runs). */
function perconaUserSecret(server: DittoServer): V1Secret {
  return {
    metadata: { name: dittoServerNames.perconaUserSecret(server) },
    stringData: { host: "127.0.0.1", port: "5432", dbname: "dittofs", user: "dittofs", password: "unused" },
  };
}

/** A pod-like local run: its mounts as temp dirs, its config written there, its env resolved. */
async function prepare(
  t: TestContext,
  rendered: Rendered,
): Promise<{ args: string[]; configFile: string; env: Record<string, string> }> {
  const root = await mkdtemp(join(tmpdir(), "mediaplane-dfs-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const container = serverContainer(rendered.statefulSet);
  const dirs = await mountDirs(container, join(root, "mounts"));
  const args = (container.args ?? []).map((arg) => remapPath(arg, dirs));
  const configIndex = args.indexOf("--config") + 1;
  assert.ok(configIndex > 0, "the container passes --config");
  const configFile = args[configIndex] ?? "";
  // Honest remap: only the path values of config.yaml (and of the container args) move from the pod's
  // mount paths to the temp dirs; every other key and value is passed to dfs exactly as rendered.
  await writeFile(configFile, remapConfigPaths(rendered.configYaml, dirs));
  const home = join(root, "home");
  const env = {
    PATH: "/usr/bin:/bin",
    // Keep dfs's XDG state (pid file, default config dir) out of the real home directory.
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_STATE_HOME: join(home, ".state"),
    XDG_DATA_HOME: join(home, ".data"),
    ...resolveEnv(container.env ?? [], rendered.secrets),
  };
  return { args, configFile, env };
}

async function validates(t: TestContext, rendered: Rendered): Promise<string> {
  const { configFile, env } = await prepare(t, rendered);
  const result = await runDfs(dfs ?? "", ["config", "validate", "--config", configFile], env);
  assert.equal(result.code, 0, `dfs config validate refused the rendered config:\n${result.output}`);
  assert.match(result.output, /Validation: OK\n/, result.output);
  assert.doesNotMatch(
    result.output,
    /Warnings:|unknown keys/,
    `dfs warned about the rendered config:\n${result.output}`,
  );
  return result.output;
}

/** Starts dfs like the pod does, with the API and metrics moved to free loopback ports by DITTOFS_* env. */
async function servesOnLoopback(t: TestContext, rendered: Rendered): Promise<void> {
  const { args, env } = await prepare(t, rendered);
  const config = parse(rendered.configYaml) as {
    controlplane: { port: number };
    metrics: { enabled: boolean; port?: number; path?: string };
  };
  const container = serverContainer(rendered.statefulSet);
  const portOf = (name: string): number | undefined =>
    container.ports?.find((p) => p.name === name)?.containerPort;
  // The probes and Services target the named ports; they must be where config.yaml puts the listeners.
  assert.equal(portOf("api"), config.controlplane.port, "container port api = controlplane.port");
  if (config.metrics.enabled) assert.equal(portOf("metrics"), config.metrics.port, "metrics port");

  const [apiPort, metricsPort] = await freeLoopbackPorts(2);
  const overrides: Record<string, string> = {
    DITTOFS_CONTROLPLANE_HOST: "127.0.0.1",
    DITTOFS_CONTROLPLANE_PORT: String(apiPort),
    ...(config.metrics.enabled
      ? { DITTOFS_METRICS_HOST: "127.0.0.1", DITTOFS_METRICS_PORT: String(metricsPort) }
      : {}),
  };
  const server = startDfs(dfs ?? "", args, { ...env, ...overrides });
  t.after(() => server.stop(2000));
  const exited = (): string | undefined =>
    server.child.exitCode === null
      ? undefined
      : `dfs exited with ${server.child.exitCode}:\n${server.output()}`;

  const api = `http://127.0.0.1:${apiPort}`;
  for (const path of [container.startupProbe?.httpGet?.path, container.readinessProbe?.httpGet?.path]) {
    assert.ok(path !== undefined, "the container has HTTP startup and readiness probes");
    await waitFor(async () => (await probe(`${api}${path}`)).status === 200, {
      what: `GET ${path} = 200 from dfs`,
      timeoutMs: 30_000,
      intervalMs: 200,
      abortIf: exited,
    });
  }
  if (config.metrics.enabled) {
    const metrics = await probe(`http://127.0.0.1:${metricsPort}${config.metrics.path ?? "/metrics"}`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /dittofs_build_info\{[^}]*version="0\.29\.0"/);
  }
  // The JWT secret and the admin password of <name>-controlplane reached DittoFS through the env.
  const login = await fetch(`${api}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: rendered.adminPassword }),
  });
  const loginBody = await login.text();
  assert.equal(login.status, 200, loginBody);
  assert.ok((JSON.parse(loginBody) as { access_token?: string }).access_token, "login returns a token");

  assert.equal(await server.stop(), 0, `dfs did not stop cleanly:\n${server.output()}`);
  assert.doesNotMatch(server.output(), /unknown keys/, server.output());
}

const scenarios = goldenScenarios();

for (const [name, server, secrets] of [
  ["quick-start", scenarios["quick-start"], []],
  ["metrics", scenarios["metrics"], []],
  ["smb", scenarios["smb"], []],
  ["s3", scenarios["s3"], [s3SampleSecret()]],
] as const) {
  test(`dfs validates and serves the rendered ${name} config`, { skip }, async (t) => {
    assert.ok(server !== undefined);
    const rendered = render(server, [...secrets]);
    await validates(t, rendered);
    await servesOnLoopback(t, rendered);
  });
}

test(
  "dfs validates the rendered Percona (postgres) config with the env from the user Secret",
  { skip },
  async (t) => {
    // Validation needs host, database and user, which only the env carries; starting would need a
    // PostgreSQL, so this scenario stops at `dfs config validate`.
    const server = scenarios["percona"];
    assert.ok(server !== undefined);
    const output = await validates(t, render(server, [perconaUserSecret(server)]));
    assert.match(output, /Database type:\s+postgres/);
  },
);
