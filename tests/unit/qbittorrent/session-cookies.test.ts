// The session cookie store: what qBittorrent's Set-Cookie lines leave for the next request, including
// 5.2's per-port name, expiry by Max-Age and Expires, deletion by an expired line, and malformed lines.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { test } from "node:test";
import { SessionCookies } from "../../../operator/clients/qbittorrent/session-cookies.js";

const now = Date.parse("2026-12-03T07:00:00Z");

test("keeps qBittorrent's SID and QBT_SID_<port> cookies by name, sending name=value only", () => {
  const cookies = new SessionCookies();
  assert.equal(cookies.header(now), undefined);
  cookies.store(["SID=abc123; HttpOnly; SameSite=Strict; path=/"], now);
  cookies.store("QBT_SID_8080=def; HttpOnly; path=/", now);
  assert.equal(cookies.header(now), "SID=abc123; QBT_SID_8080=def");
  cookies.store(["SID=new; path=/"], now);
  assert.equal(cookies.header(now), "SID=new; QBT_SID_8080=def", "a new value replaces the old");
});

test("expiry: Max-Age wins over Expires, an expired line deletes, a past expiry is not sent", () => {
  const cookies = new SessionCookies();
  cookies.store(["A=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], now);
  cookies.store(["B=2; Expires=Thu, 03 Dec 2026 07:00:30 GMT"], now);
  assert.equal(cookies.header(now), "A=1; B=2");
  assert.equal(cookies.header(now + 31_000), "A=1", "B expired after 30 s");
  assert.equal(cookies.header(now + 61_000), undefined, "A expired after 60 s");
  cookies.store(["C=3"], now);
  cookies.store(["C=; Max-Age=0"], now);
  assert.equal(cookies.header(now), undefined, "Max-Age=0 deletes (a logout)");
});

test("a malformed line is dropped; clear() forgets all; the value never shows in inspect or JSON", () => {
  const cookies = new SessionCookies();
  cookies.store(["no-equals-sign", "=nameless", "SID=secret-session"], now);
  assert.equal(cookies.header(now), "SID=secret-session");
  assert.equal(inspect(cookies).includes("secret-session"), false);
  assert.equal(JSON.stringify(cookies).includes("secret-session"), false);
  cookies.clear();
  assert.equal(cookies.header(now), undefined);
});
