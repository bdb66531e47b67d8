// Lets test files (run by `node --test` in a child process) ask the process that owns the control
// plane to restart kube-apiserver: a loopback HTTP endpoint, plus the client the tests call.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ControlPlane } from "./control-plane.js";

/** The environment variables the test runner passes to test files. */
export const controlChannelEnv = {
  url: "MEDIAPLANE_TEST_CONTROL_URL",
  etcd: "MEDIAPLANE_TEST_ETCD_URL",
} as const;

export interface ControlChannel {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `POST /restart-apiserver` on 127.0.0.1; one restart at a time. */
export async function serveControlChannel(
  controlPlane: Pick<ControlPlane, "restartApiserver">,
): Promise<ControlChannel> {
  let busy: Promise<void> = Promise.resolve();
  const server = createServer((request, response) => {
    if (request.method !== "POST" || request.url !== "/restart-apiserver") {
      response.writeHead(404).end();
      return;
    }
    busy = busy.catch(() => undefined).then(() => controlPlane.restartApiserver());
    busy.then(
      () => response.writeHead(200).end("restarted\n"),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The run's control plane as a test file sees it; undefined when the runner did not start one. */
export interface TestControlPlane {
  readonly etcdUrl: string;
  restartApiserver(): Promise<void>;
}

export function testControlPlane(env: NodeJS.ProcessEnv = process.env): TestControlPlane | undefined {
  const url = env[controlChannelEnv.url];
  const etcdUrl = env[controlChannelEnv.etcd];
  if (!url || !etcdUrl) return undefined;
  return {
    etcdUrl,
    restartApiserver: async () => {
      const response = await fetch(`${url}/restart-apiserver`, { method: "POST" });
      if (!response.ok) throw new Error(`apiserver restart failed: ${await response.text()}`);
    },
  };
}
