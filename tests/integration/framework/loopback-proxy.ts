// A TCP pass-through on 127.0.0.1 between an operator and the apiserver that a test can cut, stall and
// restore, so the operator's watches break and miss changes, or its requests go unanswered, while the apiserver keeps serving.
import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

export interface LoopbackProxy {
  readonly port: number;
  /** Client connections accepted so far. */
  readonly connections: number;
  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void;
  /** Keeps every connection open but forwards nothing either way, as a dropped NAT entry does. */
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startLoopbackProxy(targetPort: number): Promise<LoopbackProxy> {
  const sockets = new Set<Socket>();
  let open = true;
  let stalled = false;
  let connections = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    connections++;
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    track(upstream);
    client.on("data", (chunk: Buffer) => {
      if (!stalled) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!stalled) client.write(chunk);
    });
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const destroyAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    cut: () => {
      open = false;
      destroyAll();
    },
    stall: () => {
      stalled = true;
    },
    restore: () => {
      open = true;
      stalled = false;
    },
    close: () => {
      destroyAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A copy of `kubeConfig` whose current cluster is reached through `port` on 127.0.0.1. */
export function throughPort(kubeConfig: KubeConfig, port: number): KubeConfig {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  const server = new URL(cluster.server);
  server.port = String(port);
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kubeConfig.clusters.map((c) =>
      c.name === cluster.name ? { ...c, server: server.toString().replace(/\/$/, "") } : c,
    ),
    users: kubeConfig.users,
    contexts: kubeConfig.contexts,
    currentContext: kubeConfig.currentContext,
  });
  return copy;
}
