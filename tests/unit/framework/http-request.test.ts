// The operator's one HTTP transport against a real local server: answers of any status, headers as
// Node gives them, a refused port, a timeout before the headers and one mid-body, an abort.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { HttpTransportError, httpRequest, openHttpStream } from "../../../operator/framework/http-request.js";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";

let server: Server;
let base: string;

before(async () => {
  server = createServer((request, response) => {
    if (request.url === "/echo") {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        response.writeHead(418, {
          "Set-Cookie": ["A=1", "B=2"],
          "X-Seen": String(request.headers["x-given"] ?? ""),
        });
        response.end(
          `${request.method} ${Buffer.concat(chunks).toString("utf8")} ${String(request.headers["x-removed"] ?? "-")}`,
        );
      });
      return;
    }
    if (request.url === "/stall-headers") return; // never answers
    if (request.url === "/stall-body") {
      response.writeHead(200);
      response.write("part");
      return; // never ends
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const rejectsWith = async (promise: Promise<unknown>, code: string): Promise<void> => {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof HttpTransportError, String(error));
    assert.equal(error.code, code);
    return true;
  });
};

test("any status is an answer: body, method, headers (undefined ones left out), set-cookie as a list", async () => {
  const answer = await httpRequest({
    method: "POST",
    url: new URL(`${base}/echo`),
    headers: { "X-Given": "yes", "X-Removed": undefined },
    body: "héllo",
  });
  assert.equal(answer.status, 418);
  assert.equal(answer.body, "POST héllo -");
  assert.equal(answer.headers["x-seen"], "yes");
  assert.deepEqual(answer.headers["set-cookie"], ["A=1", "B=2"]);
});

test("a refused port is ECONNREFUSED", async () => {
  const [closed] = await freeLoopbackPorts(1);
  await rejectsWith(
    httpRequest({ method: "GET", url: new URL(`http://127.0.0.1:${closed}/`) }),
    "ECONNREFUSED",
  );
});

test("the timeout bounds the whole exchange: before the headers and in the middle of the body", async () => {
  await rejectsWith(
    httpRequest({ method: "GET", url: new URL(`${base}/stall-headers`), timeoutMs: 200 }),
    "ETIMEDOUT",
  );
  await rejectsWith(
    httpRequest({ method: "GET", url: new URL(`${base}/stall-body`), timeoutMs: 200 }),
    "ETIMEDOUT",
  );
});

test("an abort ends a streaming body with EABORTED", async () => {
  const controller = new AbortController();
  const stream = await openHttpStream({
    method: "GET",
    url: new URL(`${base}/stall-body`),
    signal: controller.signal,
  });
  assert.equal(stream.status, 200);
  const read = (async () => {
    const seen: string[] = [];
    for await (const chunk of stream.body) {
      seen.push(chunk.toString("utf8"));
      controller.abort();
    }
    return seen;
  })();
  await rejectsWith(read, "EABORTED");
});
