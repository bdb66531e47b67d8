// The DittoFS REST client against a real dfs: one login for many calls, a refresh (not a login) once
// 80 % of the token's lifetime has passed on a moved clock, a re-login after a restart, typed refusals.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { DittoFsClient } from "../../../operator/clients/dittofs/client.js";
import { DittoFsLoginRefusedError, DittoFsRefusedError } from "../../../operator/clients/dittofs/errors.js";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { probe } from "../../cluster/health-probe.js";
import { waitFor } from "../../cluster/polling.js";
import { builtDfsBinary, dfsRequests, startDfs, type RunningDfs } from "./real-dfs-support.js";

const dfs = builtDfsBinary();
const skip = dfs === undefined ? "dfs is not built: run `npm run cluster:build`" : false;

interface LocalDfs {
  url: string;
  password: string;
  server: () => RunningDfs;
  restart: () => Promise<void>;
}

async function localDfs(t: TestContext): Promise<LocalDfs> {
  const root = await mkdtemp(join(tmpdir(), "mediaplane-dfs-client-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, "home"));
  const [port = 0] = await freeLoopbackPorts(1);
  const config = join(root, "config.yaml");
  await writeFile(
    config,
    [
      "logging: { level: INFO, format: json, output: stdout }",
      `database: { type: sqlite, sqlite: { path: ${join(root, "controlplane.db")} } }`,
      `controlplane: { host: 127.0.0.1, port: ${port} }`,
      "metrics: { enabled: false }",
      "",
    ].join("\n"),
  );
  const password = randomBytes(12).toString("base64url");
  const env = {
    PATH: "/usr/bin:/bin",
    HOME: join(root, "home"),
    DITTOFS_CONTROLPLANE_SECRET: randomBytes(32).toString("hex"),
    DITTOFS_ADMIN_INITIAL_PASSWORD: password,
  };
  const url = `http://127.0.0.1:${port}`;
  let server: RunningDfs;
  const start = async (): Promise<void> => {
    server = startDfs(dfs ?? "", ["start", "--foreground", "--config", config], env);
    await waitFor(async () => (await probe(`${url}/health/ready`)).status === 200, {
      what: "dfs ready",
      timeoutMs: 60_000,
      intervalMs: 200,
      abortIf: () => (server.child.exitCode === null ? undefined : `dfs exited:\n${server.output()}`),
    });
  };
  await start();
  t.after(() => server.stop(2000));
  return {
    url,
    password,
    server: () => server,
    restart: async () => {
      await server.stop();
      await start();
    },
  };
}

/** How many of dfs's logged requests ("METHOD path status") start with `prefix`. */
function requests(server: RunningDfs, prefix: string): number {
  return dfsRequests(server.output()).filter((line) => line.startsWith(prefix)).length;
}

test(
  "one login serves many calls; at 80 % of the token's lifetime the client refreshes instead",
  { skip },
  async (t) => {
    const local = await localDfs(t);
    let now = Date.now();
    const client = new DittoFsClient({
      url: local.url,
      username: "admin",
      password: local.password,
      timeoutMs: 10_000,
      now: () => now,
    });
    await client.listShares();
    await client.listAdapters();
    await client.listUsers();
    assert.equal(client.logins, 1);
    // dfs's tokens live 900 s: at 79 % the token is used as is, past 80 % it is refreshed.
    now += 0.79 * 900_000;
    await client.listShares();
    assert.equal(requests(local.server(), "POST /api/v1/auth/refresh"), 0);
    now += 0.02 * 900_000;
    await client.listShares();
    assert.equal(requests(local.server(), "POST /api/v1/auth/refresh 200"), 1);
    assert.equal(client.logins, 1, "a refresh is not a login");
    assert.equal(requests(local.server(), "POST /api/v1/auth/login"), 1);
    // Tokens are signed with the JWT secret, which a restart keeps: the session carries on.
    await local.restart();
    await client.listShares();
    assert.equal(client.logins, 1);
  },
);

test("a wrong password is a typed refusal that names the user, never the password", { skip }, async (t) => {
  const local = await localDfs(t);
  const client = new DittoFsClient({
    url: local.url,
    username: "admin",
    password: "wrong-one",
    timeoutMs: 10_000,
  });
  const refusal = await client.listShares().catch((error: unknown) => error);
  assert.ok(refusal instanceof DittoFsLoginRefusedError);
  assert.match(refusal.message, /refused the login of admin \(401: Invalid username or password\)/);
  assert.doesNotMatch(refusal.message, /wrong-one/);
});

test("a refused request carries DittoFS's own detail and status", { skip }, async (t) => {
  const local = await localDfs(t);
  const client = new DittoFsClient({
    url: local.url,
    username: "admin",
    password: local.password,
    timeoutMs: 10_000,
  });
  const refusal = await client
    .createShare({
      name: "/x",
      metadata_store_id: "absent",
      local_block_store: "absent",
      read_only: false,
      default_permission: "none",
    })
    .catch((error: unknown) => error);
  assert.ok(refusal instanceof DittoFsRefusedError);
  assert.equal(refusal.status, 400);
  assert.equal(refusal.detail, "Metadata store not found: absent");
});
