// Every DittoServer an in-process operator configures gets a real dfs pod: an HTTP front on loopback
// that the operator's "http://" alias points at starts runDfsPod for each <name>-api host and proxies to it.
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { runDfsPod, type DfsPod } from "./dfs-pod.js";

export interface DfsFleet {
  /**
   * The alias for MEDIAPLANE_SERVICE_URL_ALIASES that sends every URL to the fleet (for operators that
   * call nothing else outside the cluster without a longer alias of its own).
   */
  readonly alias: readonly [from: string, to: string];
  /** The alias for one DittoServer's <name>-api only. */
  aliasFor(namespace: string, name: string): readonly [from: string, to: string];
  /** The pod of namespace/name, once the operator has called its API. */
  pod(namespace: string, name: string): DfsPod | undefined;
  stop(): Promise<void>;
}

const API_HOST =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)-api\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\.cluster\.local:8080$/;

function refuse(response: ServerResponse, status: number, detail: string): void {
  response.writeHead(status, { "content-type": "application/problem+json" });
  response.end(JSON.stringify({ status, detail }));
}

export async function startDfsFleet(kubeConfig: KubeConfig, binary: string): Promise<DfsFleet> {
  const starting = new Map<string, Promise<DfsPod>>();
  const started = new Map<string, DfsPod>();
  const podFor = (namespace: string, name: string): Promise<DfsPod> => {
    const key = `${namespace}/${name}`;
    let pod = starting.get(key);
    if (pod === undefined) {
      pod = (async () => {
        const [apiPort] = await freeLoopbackPorts(1);
        const running = await runDfsPod(kubeConfig, namespace, name, { binary, apiPort: apiPort ?? 0 });
        started.set(key, running);
        return running;
      })();
      // A pod that failed to start is tried again on the next call, like a kubelet restarting it.
      pod.catch(() => starting.delete(key));
      starting.set(key, pod);
    }
    return pod;
  };
  const forward = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const [, host = "", ...rest] = (incoming.url ?? "").split("/");
    const match = API_HOST.exec(host);
    if (match === null) return refuse(response, 502, `no pod serves ${host} in this test`);
    let pod: DfsPod;
    try {
      pod = await podFor(match[3] ?? "", match[1] ?? "");
    } catch (error) {
      return refuse(response, 503, `the dfs pod did not start: ${(error as Error).message.slice(0, 500)}`);
    }
    const target = new URL(`/${rest.join("/")}`, pod.apiUrl);
    const outgoing = request(
      target,
      { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on("error", (error) => refuse(response, 503, `dfs did not answer: ${error.message}`));
    incoming.pipe(outgoing);
  };
  const front = createServer((incoming, response) => void forward(incoming, response));
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  const { port } = front.address() as AddressInfo;
  return {
    alias: ["http://", `http://127.0.0.1:${port}/`],
    aliasFor: (namespace, name) => {
      const host = `${name}-api.${namespace}.svc.cluster.local:8080`;
      return [`http://${host}`, `http://127.0.0.1:${port}/${host}`];
    },
    pod: (namespace, name) => started.get(`${namespace}/${name}`),
    stop: async () => {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await Promise.allSettled([...starting.values()].map(async (pod) => (await pod).remove()));
    },
  };
}
