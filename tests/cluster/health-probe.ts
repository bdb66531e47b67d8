// One HTTP(S) GET against a component's health endpoint (etcd /health, apiserver /readyz, ...) on
// loopback; Node's fetch cannot take a custom CA, so this uses node:http/node:https directly.
import { request as httpRequest } from "node:http";
import type { IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface ProbeOptions {
  /** PEM the server certificate must chain to; without it the certificate is not verified (loopback only). */
  readonly ca?: string;
  readonly bearerToken?: string;
  readonly timeoutMs?: number;
}

export interface ProbeResult {
  readonly status: number;
  readonly body: string;
}

/** GETs `url` once; rejects on connection errors and timeouts, resolves with any HTTP status. */
export function probe(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const target = new URL(url);
  const headers: Record<string, string> = {};
  if (options.bearerToken !== undefined) headers["Authorization"] = `Bearer ${options.bearerToken}`;
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      response.on("error", reject);
    };
    const request =
      target.protocol === "https:"
        ? httpsRequest(
            target,
            {
              headers,
              agent: false,
              ca: options.ca,
              rejectUnauthorized: options.ca !== undefined,
            },
            onResponse,
          )
        : httpRequest(target, { headers, agent: false }, onResponse);
    request.setTimeout(options.timeoutMs ?? 2000, () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on("error", reject);
    request.end();
  });
}

/** Resolves true when `url` answers 200, false on any other answer or connection error. */
export async function answersOk(url: string, options: ProbeOptions = {}): Promise<boolean> {
  try {
    return (await probe(url, options)).status === 200;
  } catch {
    return false;
  }
}
