// The operator process's own Prometheus counters (its /metrics on the probe port), read over HTTP:
// what the operator says it did, next to what the apiserver counted (apiserver-writes.ts).
import { get } from "node:http";
import { createServer } from "node:net";

/** A loopback port free right now, for MEDIAPLANE_PROBE_PORT (the probes and /metrics). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function metricsText(port: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const call = get({ host: "127.0.0.1", port, path: "/metrics" }, (reply) => {
      let body = "";
      reply.setEncoding("utf8");
      reply.on("data", (chunk: string) => (body += chunk));
      reply.on("end", () =>
        reply.statusCode === 200 ? resolve(body) : reject(new Error(`/metrics answered ${reply.statusCode}`)),
      );
    });
    call.on("error", reject);
  });
}

/** The sum of the samples of counter `name` whose labels include `labels`. */
export async function operatorCounter(
  port: number,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  let sum = 0;
  for (const line of (await metricsText(port)).split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const found = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1] ?? "", match[2] ?? ""]),
    );
    if (Object.entries(labels).every(([key, wanted]) => found[key] === wanted))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
