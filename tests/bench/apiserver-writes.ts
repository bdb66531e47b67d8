// Writes the API server served, read from its own apiserver_request_total: what any client, the
// operator included, cost it — counted by the server, not by the operator's metrics.
import type { KubeConfig } from "@kubernetes/client-node";
import { Agent, request } from "node:https";

const writeVerbs = new Set(["POST", "PUT", "PATCH", "DELETE", "APPLY"]);

/**
 * Successful and failed write requests by resource ("torrents", "events"), summed over verbs, codes and
 * subresources; and by "resource/subresource" ("mediastacks/status") for writes to a subresource.
 */
export async function apiserverWrites(kubeConfig: KubeConfig): Promise<Map<string, number>> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  const options: { headers: Record<string, string>; ca?: Buffer; cert?: Buffer; key?: Buffer } = {
    headers: {},
  };
  await kubeConfig.applyToHTTPSOptions(options);
  const url = new URL("/metrics", cluster.server);
  const text = await new Promise<string>((resolve, reject) => {
    const call = request(
      url,
      {
        headers: options.headers,
        agent: new Agent({ ca: options.ca, cert: options.cert, key: options.key }),
      },
      (reply) => {
        let body = "";
        reply.setEncoding("utf8");
        reply.on("data", (chunk: string) => (body += chunk));
        reply.on("end", () =>
          reply.statusCode === 200
            ? resolve(body)
            : reject(new Error(`/metrics answered ${reply.statusCode}`)),
        );
      },
    );
    call.on("error", reject);
    call.end();
  });
  const writes = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1] ?? "", match[2] ?? ""]),
    );
    if (!writeVerbs.has(labels["verb"] ?? "")) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    const resource = labels["resource"] ?? "";
    writes.set(resource, (writes.get(resource) ?? 0) + value);
    const subresource = labels["subresource"] ?? "";
    if (subresource !== "") {
      const key = `${resource}/${subresource}`;
      writes.set(key, (writes.get(key) ?? 0) + value);
    }
  }
  return writes;
}

/** The writes to `resources` between two readings. */
export function writesBetween(
  before: Map<string, number>,
  after: Map<string, number>,
  resources: readonly string[],
): number {
  return resources.reduce(
    (sum, resource) => sum + (after.get(resource) ?? 0) - (before.get(resource) ?? 0),
    0,
  );
}
