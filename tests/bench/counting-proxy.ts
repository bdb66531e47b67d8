// A loopback HTTP proxy in front of one qbittorrent-nox that counts the requests the operator sends
// it, by path: the benchmarks' count of qBittorrent requests, independent of the operator's own logs.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface CountingProxy {
  /** The URL to give the operator instead of qBittorrent's. */
  readonly url: string;
  /** Requests forwarded so far. */
  total(): number;
  /** Requests forwarded so far, by path (e.g. "/api/v2/torrents/add"). */
  byPath(): Record<string, number>;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const counts = new Map<string, number>();
  const server: Server = createServer((incoming, answer) => {
    const path = (incoming.url ?? "/").split("?")[0] ?? "/";
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        // qBittorrent checks Host (and Origin/Referer) against itself: present its own address.
        headers: { ...incoming.headers, host: upstream.host },
      },
      (reply) => {
        answer.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(answer);
      },
    );
    forwarded.on("error", (error) => {
      answer.writeHead(502);
      answer.end(String(error));
    });
    incoming.pipe(forwarded);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    total: () => [...counts.values()].reduce((sum, count) => sum + count, 0),
    byPath: () => Object.fromEntries(counts),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
