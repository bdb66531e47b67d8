// The operator's one HTTP port: /healthz (the process answers), /readyz (caches synced)
// and /metrics (Prometheus text from the operator's registry).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface ProbeServerOptions {
  host: string;
  port: number;
  ready: () => boolean;
  registry: Registry;
}

export async function startProbeServer(
  options: ProbeServerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      response.writeHead(200, { "Content-Type": "text/plain" }).end("ok\n");
    } else if (path === "/readyz") {
      const ready = options.ready();
      response
        .writeHead(ready ? 200 : 503, { "Content-Type": "text/plain" })
        .end(ready ? "ok\n" : "caches not synced\n");
    } else if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => response.writeHead(200, { "Content-Type": options.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
