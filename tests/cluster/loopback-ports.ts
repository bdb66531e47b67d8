// Picks free TCP ports on 127.0.0.1 for the cluster components, so several checkouts or runs can
// coexist; it only binds and releases loopback sockets.
import { createServer } from "node:net";
import type { Server } from "node:net";

function listenOnAnyLoopbackPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** `count` distinct ports that were free on 127.0.0.1 a moment ago (all held open until all are known). */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listenOnAnyLoopbackPort());
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("unexpected server address");
      return address.port;
    });
  } finally {
    await Promise.all(servers.map(close));
  }
}
