// Plain node:http requests to a qbittorrent-nox WebUI, for checks the client deliberately never makes
// (an endpoint 4.5.2 lacks, a delete without deleteFiles, a login outside the client's backoff).
import { request } from "node:http";
import type { QbittorrentInstance } from "../../cluster/qbittorrent.js";

export interface RawAnswer {
  status: number;
  body: string;
  setCookie: string[];
}

export function rawPost(
  qbt: QbittorrentInstance,
  path: string,
  form: Record<string, string>,
  cookie?: string,
): Promise<RawAnswer> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: qbt.port,
        path,
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          ...(cookie === undefined ? {} : { Cookie: cookie }),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers["set-cookie"] ?? [] }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Logs in with the instance's own credentials; returns the "SID=..." (5.2+: "QBT_SID_<port>=...") pair. */
export async function rawLogin(qbt: QbittorrentInstance): Promise<string> {
  const answer = await rawPost(qbt, "/api/v2/auth/login", { username: qbt.username, password: qbt.password });
  const cookie = /(?:QBT_SID_\d+|SID)=[^;]+/.exec(answer.setCookie.join(";"))?.[0];
  const accepted = answer.status === 204 || answer.body === "Ok.";
  if (!accepted || cookie === undefined) {
    throw new Error(`raw login failed: ${answer.status} ${answer.body}`);
  }
  return cookie;
}

/** Status of a POST made with a fresh session of its own. */
export async function rawPostStatus(
  qbt: QbittorrentInstance,
  path: string,
  form: Record<string, string>,
): Promise<number> {
  return (await rawPost(qbt, path, form, await rawLogin(qbt))).status;
}
