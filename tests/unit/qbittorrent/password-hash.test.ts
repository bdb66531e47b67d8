// The WebUI\Password_PBKDF2 value: recomputed here from the written salt with node:crypto, so the
// format qbittorrent-nox reads (checked by the integration tests' logins) is pinned down.
import assert from "node:assert/strict";
import { pbkdf2Sync } from "node:crypto";
import { describe, it } from "node:test";
import {
  hashQbittorrentPassword,
  parseQbittorrentPasswordHash,
  verifyQbittorrentPassword,
} from "../../../operator/clients/qbittorrent/password-hash.js";

describe("hashQbittorrentPassword", () => {
  it("writes @ByteArray(<base64 16-byte salt>:<base64 PBKDF2-HMAC-SHA512 100000 iterations, 64 bytes>)", () => {
    const value = hashQbittorrentPassword("correct horse");
    const match = /^@ByteArray\(([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)\)$/.exec(value);
    assert.ok(match, value);
    const salt = Buffer.from(match[1], "base64");
    const key = Buffer.from(match[2], "base64");
    assert.equal(salt.length, 16);
    assert.equal(key.length, 64);
    assert.deepEqual(key, pbkdf2Sync("correct horse", salt, 100_000, 64, "sha512"));
  });

  it("uses a fresh random salt each time", () => {
    assert.notEqual(hashQbittorrentPassword("same"), hashQbittorrentPassword("same"));
  });

  it("is deterministic for a given salt", () => {
    const salt = Buffer.alloc(16, 7);
    assert.equal(hashQbittorrentPassword("pw", salt), hashQbittorrentPassword("pw", salt));
    assert.throws(() => hashQbittorrentPassword("pw", Buffer.alloc(8)), RangeError);
  });

  it("verifies passwords against quoted and unquoted stored values", () => {
    const value = hashQbittorrentPassword("s3cret");
    assert.equal(verifyQbittorrentPassword("s3cret", value), true);
    assert.equal(verifyQbittorrentPassword("s3cret", `"${value}"`), true);
    assert.equal(verifyQbittorrentPassword("wrong", value), false);
    assert.equal(parseQbittorrentPasswordHash(value).salt.length, 16);
    assert.throws(() => parseQbittorrentPasswordHash("adminadmin"), /not a qBittorrent @ByteArray/);
  });
});
