// Runs Debian's real prometheus (2.42) on a loopback port with a scrape config and rule files the test
// writes, and answers instant queries through its HTTP API; stopped by PID, its data dir removed.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { prometheusTool } from "../../support/monitoring.js";
import { waitFor } from "../support/cluster.js";

export interface PrometheusSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer {
  url: string;
  /** GET /api/v1/query; throws on a non-success status (a query that does not parse or evaluate). */
  query(expr: string): Promise<PrometheusSample[]>;
  /** GET /api/v1/<path> `data`. */
  api<T>(path: string): Promise<T>;
  /** Everything prometheus wrote to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface PrometheusScrapeTarget {
  job: string;
  address: string;
}

/** Starts prometheus scraping `targets` every second and evaluating `ruleGroups` every second. */
export async function startPrometheus(
  targets: PrometheusScrapeTarget[],
  ruleGroups: object,
): Promise<PrometheusServer> {
  const binary = prometheusTool("prometheus");
  const dir = mkdtempSync(join(tmpdir(), "mediaplane-prometheus-"));
  const [port] = await freeLoopbackPorts(1);
  writeFileSync(join(dir, "rules.yaml"), stringify(ruleGroups));
  writeFileSync(
    join(dir, "prometheus.yaml"),
    stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      rule_files: ["rules.yaml"],
      // honor_labels as the chart's ServiceMonitor sets it: the operator's `namespace` label wins.
      scrape_configs: targets.map((target) => ({
        job_name: target.job,
        honor_labels: true,
        static_configs: [{ targets: [target.address] }],
      })),
    }),
  );
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yaml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  let exited = false;
  const exit = once(child, "exit").then(() => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}/api/v1/${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`)).status === 200, {
      what: "prometheus /-/ready",
      timeoutMs: 60_000,
      abortIf: () => (exited ? `prometheus exited:\n${stderr}` : undefined),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    api,
    query: async (expr) =>
      (
        await api<{ resultType: string; result: PrometheusSample[] }>(
          `query?query=${encodeURIComponent(expr)}`,
        )
      ).result,
    log: () => stderr,
    stop,
  };
}
