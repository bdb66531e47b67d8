// Magnet parsing and torrent matching: the hashes the Torrent controller identifies torrents by.
// The base32 vector below was checked against qbittorrent-nox 4.5.2, which listed the same hex hash.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  InvalidMagnetError,
  lookupHashes,
  matchesTorrent,
  parseMagnet,
} from "../../../operator/clients/qbittorrent/infohash.js";

const V1 = "c9e15763f722f23e98a29decdfae341b98d53056";
const V2 = "d8dd32ac93357c368556af3ac1d95c9d76bd0dff6fa9833ecdac3d53134efabb";

describe("parseMagnet", () => {
  it("reads a 40-hex btih, display name and trackers", () => {
    const parsed = parseMagnet(
      `magnet:?xt=urn:btih:${V1}&dn=Big+Buck%20Bunny&tr=udp%3A%2F%2Ftracker.example%3A1337&tr=wss%3A%2F%2Ft.example`,
    );
    assert.deepEqual(parsed, {
      infohashV1: V1,
      qbittorrentHash: V1,
      displayName: "Big Buck Bunny",
      trackers: ["udp://tracker.example:1337", "wss://t.example"],
    });
  });

  it("lowercases an uppercase hex btih", () => {
    const parsed = parseMagnet(`magnet:?xt=urn:btih:${V1.toUpperCase()}`);
    assert.equal(parsed.infohashV1, V1);
    assert.equal(parsed.qbittorrentHash, V1);
  });

  it("decodes a 32-character base32 btih in any case", () => {
    assert.equal(parseMagnet("magnet:?xt=urn:btih:ZHQVOY7XELZD5GFCTXWN7LRUDOMNKMCW").infohashV1, V1);
    assert.equal(parseMagnet("magnet:?xt=urn:btih:zhqvoy7xelzd5gfctxwn7lrudomnkmcw").infohashV1, V1);
    assert.equal(
      parseMagnet("magnet:?xt=urn:btih:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").qbittorrentHash,
      "00443214c74254b635cf84653a56d7c675be77df",
    );
  });

  it("reads a v2-only btmh: qBittorrent's hash is the first 40 hex characters of the v2 hash", () => {
    const parsed = parseMagnet(`magnet:?xt=urn:btmh:1220${V2.toUpperCase()}&dn=v2`);
    assert.equal(parsed.infohashV1, undefined);
    assert.equal(parsed.infohashV2, V2);
    assert.equal(parsed.qbittorrentHash, V2.slice(0, 40));
  });

  it("reads a hybrid magnet (xt.1/xt.2 too) and identifies it by the truncated v2 hash", () => {
    for (const uri of [
      `magnet:?xt=urn:btih:${V1}&xt=urn:btmh:1220${V2}`,
      `magnet:?xt.1=urn:btmh:1220${V2}&xt.2=urn:btih:${V1}`,
    ]) {
      const parsed = parseMagnet(uri);
      assert.equal(parsed.infohashV1, V1);
      assert.equal(parsed.infohashV2, V2);
      assert.equal(parsed.qbittorrentHash, V2.slice(0, 40));
    }
  });

  it("accepts percent-encoded topics, case-insensitive URN namespaces and ignores other xt namespaces", () => {
    assert.equal(parseMagnet(`magnet:?xt=urn%3Abtih%3A${V1}`).infohashV1, V1);
    assert.equal(parseMagnet(`magnet:?xt=URN:BTIH:${V1}`).infohashV1, V1);
    assert.equal(parseMagnet(`magnet:?xt=urn:sha1:ABCDEF&xt=urn:btih:${V1}`).infohashV1, V1);
    assert.equal(parseMagnet(`  magnet:?xt=urn:btih:${V1}\n`).infohashV1, V1);
  });

  const invalid: [string, string, RegExp][] = [
    ["no scheme", `xt=urn:btih:${V1}`, /must start with "magnet:\?"/],
    ["an http URL", "http://example.com/a.torrent", /not a magnet URI/],
    ["no xt", "magnet:?dn=nothing", /no "xt=urn:btih:" or "xt=urn:btmh:"/],
    ["uppercase XT key only", `magnet:?XT=urn:btih:${V1}`, /no "xt=urn:btih:"/],
    ["empty btih", "magnet:?xt=urn:btih:", /has 0 characters/],
    ["39 hex", `magnet:?xt=urn:btih:${V1.slice(1)}`, /has 39 characters/],
    ["41 hex", `magnet:?xt=urn:btih:${V1}0`, /has 41 characters/],
    ["40 non-hex", `magnet:?xt=urn:btih:g${V1.slice(1)}`, /40 characters but not hexadecimal/],
    ["32 non-base32", "magnet:?xt=urn:btih:ZHQVOY7XELZD5GFCTXWN7LRUDOMNKMC1", /not base32/],
    ["one bad xt among good ones", `magnet:?xt=urn:btih:${V1}&xt=urn:btih:zz`, /has 2 characters/],
    ["two different btih", `magnet:?xt=urn:btih:${V1}&xt=urn:btih:${"1".repeat(40)}`, /two different btih/],
    ["btmh not sha2-256", `magnet:?xt=urn:btmh:1114${V1}`, /must be sha2-256/],
    ["btmh short digest", `magnet:?xt=urn:btmh:1220${V2.slice(2)}`, /62 hexadecimal characters; expected 64/],
    ["btmh not hex", "magnet:?xt=urn:btmh:1220zz", /not a hexadecimal multihash/],
    ["an all-zero hex btih", `magnet:?xt=urn:btih:${"0".repeat(40)}`, /all zeros/],
    ["an all-zero base32 btih", `magnet:?xt=urn:btih:${"A".repeat(32)}`, /all zeros/],
    ["an all-zero btmh", `magnet:?xt=urn:btmh:1220${"0".repeat(64)}`, /all zeros/],
    [
      "a newline that would smuggle a second URL",
      `magnet:?xt=urn:btih:${V1}\nhttp://x/y`,
      /whitespace or control/,
    ],
    ["an inner space", `magnet:?xt=urn:btih:${V1}&dn=a b`, /whitespace or control/],
  ];
  for (const [what, uri, message] of invalid) {
    it(`throws InvalidMagnetError for ${what}`, () => {
      assert.throws(
        () => parseMagnet(uri),
        (error: unknown) => error instanceof InvalidMagnetError && message.test(error.message),
      );
    });
  }

  it("gives InvalidMagnetError a condition reason", () => {
    assert.throws(() => parseMagnet("nope"), { name: "InvalidMagnetError", reason: "InvalidMagnetURI" });
  });
});

describe("matchesTorrent", () => {
  const v1Only = parseMagnet(`magnet:?xt=urn:btih:${V1}`);
  const hybrid = parseMagnet(`magnet:?xt=urn:btih:${V1}&xt=urn:btmh:1220${V2}`);
  const v2Only = parseMagnet(`magnet:?xt=urn:btmh:1220${V2}`);

  it("matches a v1 torrent by hash, case-insensitively", () => {
    assert.equal(matchesTorrent(v1Only, { hash: V1.toUpperCase(), infohash_v1: "", infohash_v2: "" }), true);
  });

  it("matches a hybrid torrent as qBittorrent reports it (hash = truncated v2)", () => {
    const reported = { hash: V2.slice(0, 40), infohash_v1: V1, infohash_v2: V2 };
    assert.equal(matchesTorrent(hybrid, reported), true);
    assert.equal(
      matchesTorrent(v1Only, reported),
      true,
      "a v1 magnet finds the hybrid torrent by infohash_v1",
    );
    assert.equal(matchesTorrent(v2Only, reported), true);
  });

  it("matches a v2 magnet against a torrent added by v1 whose metadata revealed the v2 hash", () => {
    assert.equal(matchesTorrent(v2Only, { hash: V1, infohash_v1: V1, infohash_v2: V2.toUpperCase() }), true);
  });

  it("does not match other torrents or empty identity fields", () => {
    assert.equal(matchesTorrent(v1Only, { hash: "1".repeat(40), infohash_v1: "", infohash_v2: "" }), false);
    assert.equal(matchesTorrent(v2Only, { hash: V1, infohash_v1: V1, infohash_v2: "" }), false);
    assert.equal(matchesTorrent(v1Only, {}), false);
  });

  it("lists every hash a /torrents/info lookup needs", () => {
    assert.deepEqual(lookupHashes(v1Only), [V1]);
    assert.deepEqual(lookupHashes(hybrid), [V2.slice(0, 40), V1]);
  });
});
