// A real PostgreSQL for integration tests (DittoFS's control plane and metadata store use it): Debian's
// postgres 15, initdb in a temp dir, run as nobody on a free loopback port; stopped by PID, dir removed.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stopOnProcessExit } from "./exit-cleanup.js";
import { freeLoopbackPorts } from "./loopback-ports.js";
import { waitFor } from "./polling.js";

const run = promisify(execFile);

/** Debian bookworm's postgresql package (.ci/run installs it). */
export const POSTGRES_BIN_DIR = "/usr/lib/postgresql/15/bin";
/** postgres refuses to run as root: the server runs as nobody/nogroup, which owns the data dir. */
const NOBODY = { uid: 65534, gid: 65534 } as const;
const SUPERUSER = "postgres";

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** Creates a login role with `password` owning each of `databases` (created empty). */
  createUser(user: string, password: string, databases: readonly string[]): Promise<void>;
  /** Runs `sql` in `database` as the superuser over the Unix socket; rows tab-separated, one a line. */
  query(database: string, sql: string): Promise<string[]>;
  /** The server's log so far (connection failures, authentication errors). */
  log(): string;
  /** Fast shutdown by PID, then the data dir is removed; safe to call twice. */
  stop(): Promise<void>;
}

function asNobody(command: string, args: readonly string[]): [string, string[]] {
  return [
    "setpriv",
    [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--clear-groups", "--", command, ...args],
  ];
}

/** A SQL string literal (doubling quotes); the values here come from the test, not from users. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function identifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const root = await mkdtemp(join(tmpdir(), "mediaplane-postgres-"));
  await chmod(root, 0o755);
  const data = join(root, "data");
  const socketDir = join(root, "run");
  for (const dir of [data, socketDir]) {
    await mkdir(dir);
    await chown(dir, NOBODY.uid, NOBODY.gid);
  }
  const [initdb, initdbArgs] = asNobody(join(POSTGRES_BIN_DIR, "initdb"), [
    "--pgdata",
    data,
    "--username",
    SUPERUSER,
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "--no-sync",
  ]);
  await run(initdb, initdbArgs, { cwd: root });
  const [port = 0] = await freeLoopbackPorts(1);
  const [postgres, postgresArgs] = asNobody(join(POSTGRES_BIN_DIR, "postgres"), [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    socketDir,
    "-c",
    "listen_addresses=127.0.0.1",
    // A test database: durability is not what is tested, speed on a busy machine is.
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
  ]);
  let output = "";
  const child: ChildProcess = spawn(postgres, postgresArgs, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stopped = false;
  const removeRoot = (): void => rmSync(root, { recursive: true, force: true });
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // setpriv execs postgres: this PID is the postmaster. SIGINT is PostgreSQL's fast shutdown.
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGINT");
    await exited;
    removeRoot();
  };
  const unregister = stopOnProcessExit({
    killNow: () => {
      child.kill("SIGKILL");
      removeRoot();
    },
    stop,
  });
  const psql = async (database: string, sql: string): Promise<string[]> => {
    const { stdout } = await run("psql", [
      "-h",
      socketDir,
      "-p",
      String(port),
      "-U",
      SUPERUSER,
      "-d",
      database,
      "-At",
      "-F",
      "\t",
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      sql,
    ]);
    return stdout.split("\n").filter((line) => line !== "");
  };
  try {
    await waitFor(
      () =>
        psql("postgres", "SELECT 1").then(
          () => true,
          () => false,
        ),
      {
        what: `postgres on 127.0.0.1:${port}`,
        timeoutMs: 60_000,
        intervalMs: 200,
        abortIf: () => (child.exitCode !== null ? `postgres exited:\n${output.slice(-2000)}` : undefined),
      },
    );
  } catch (error) {
    await stop();
    unregister();
    throw error;
  }
  return {
    host: "127.0.0.1",
    port,
    createUser: async (user, password, databases) => {
      await psql("postgres", `CREATE ROLE ${identifier(user)} LOGIN PASSWORD ${literal(password)}`);
      for (const database of databases) {
        await psql("postgres", `CREATE DATABASE ${identifier(database)} OWNER ${identifier(user)}`);
      }
    },
    query: psql,
    log: () => output,
    stop: async () => {
      await stop();
      unregister();
    },
  };
}
