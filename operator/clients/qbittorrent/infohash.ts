// Turns a magnet URI into the hashes qBittorrent identifies its torrents by (pure, no I/O). The Torrent
// controller and the maindata poller use it to find a CR's torrent among qBittorrent's.

/** A magnet URI the operator cannot identify a torrent from; the message says what is wrong. */
export class InvalidMagnetError extends Error {
  readonly reason = "InvalidMagnetURI" as const;

  constructor(message: string) {
    super(message);
    this.name = "InvalidMagnetError";
  }
}

export interface ParsedMagnet {
  /** BitTorrent v1 info-hash (SHA-1), 40 lowercase hex characters. */
  infohashV1?: string;
  /** BitTorrent v2 info-hash (SHA-256), 64 lowercase hex characters. */
  infohashV2?: string;
  /**
   * The id qBittorrent reports as `hash`: the v1 hash for v1-only torrents, the first 40 hex
   * characters of the v2 hash for v2-only and hybrid torrents.
   */
  qbittorrentHash: string;
  displayName?: string;
  trackers: string[];
}

/** The identity fields of a qBittorrent torrent (as `/torrents/info` and `/sync/maindata` report them). */
export interface TorrentIdentity {
  hash?: string;
  infohash_v1?: string;
  infohash_v2?: string;
}

const HEX_40 = /^[0-9a-f]{40}$/i;
const HEX_64 = /^[0-9a-f]{64}$/i;
const BASE32_32 = /^[a-z2-7]{32}$/i;
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
// multihash header: 0x12 = sha2-256, 0x20 = 32-byte digest
const SHA2_256_MULTIHASH_PREFIX = "1220";

/**
 * Parses a magnet URI. The scheme and the URN namespace are matched case-insensitively (RFC 3986,
 * RFC 8141); keys (`xt`, `xt.1`, `dn`, `tr`, `tr.1`, ...) are the lowercase ones of BEP 9.
 * Every `urn:btih:`/`urn:btmh:` must be well formed (libtorrent refuses the whole magnet otherwise);
 * `xt` of other namespaces is ignored.
 */
export function parseMagnet(uri: string): ParsedMagnet {
  const text = uri.trim();
  if (!/^magnet:\?/i.test(text)) {
    throw new InvalidMagnetError('not a magnet URI: it must start with "magnet:?"');
  }
  // qBittorrent splits /torrents/add's urls on newlines: a control character could smuggle in a second URL.
  if (hasWhitespaceOrControl(text)) {
    throw new InvalidMagnetError("magnet URI contains whitespace or control characters; percent-encode them");
  }

  const v1Hashes = new Set<string>();
  const v2Hashes = new Set<string>();
  const trackers: string[] = [];
  let displayName: string | undefined;

  for (const pair of text.slice("magnet:?".length).split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const key = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? "" : pair.slice(equals + 1);
    if (/^xt(\.\d+)?$/.test(key)) {
      readExactTopic(decodeComponent(rawValue), v1Hashes, v2Hashes);
    } else if (key === "dn" && displayName === undefined) {
      displayName = decodeComponent(rawValue.replace(/\+/g, " "));
    } else if (/^tr(\.\d+)?$/.test(key)) {
      const tracker = decodeComponent(rawValue);
      if (tracker !== "" && !trackers.includes(tracker)) trackers.push(tracker);
    }
  }

  if (v1Hashes.size > 1) throw new InvalidMagnetError("magnet URI carries two different btih info-hashes");
  if (v2Hashes.size > 1) throw new InvalidMagnetError("magnet URI carries two different btmh info-hashes");
  const infohashV1: string | undefined = [...v1Hashes][0];
  const infohashV2: string | undefined = [...v2Hashes][0];
  let qbittorrentHash: string;
  if (infohashV2 !== undefined) qbittorrentHash = infohashV2.slice(0, 40);
  else if (infohashV1 !== undefined) qbittorrentHash = infohashV1;
  else throw new InvalidMagnetError('magnet URI has no "xt=urn:btih:" or "xt=urn:btmh:" info-hash');

  const parsed: ParsedMagnet = { qbittorrentHash, trackers };
  if (infohashV1 !== undefined) parsed.infohashV1 = infohashV1;
  if (infohashV2 !== undefined) parsed.infohashV2 = infohashV2;
  if (displayName !== undefined && displayName !== "") parsed.displayName = displayName;
  return parsed;
}

function hasWhitespaceOrControl(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}

function readExactTopic(topic: string, v1Hashes: Set<string>, v2Hashes: Set<string>): void {
  const lower = topic.toLowerCase();
  if (lower.startsWith("urn:btih:")) {
    v1Hashes.add(btihToHex(topic.slice("urn:btih:".length)));
  } else if (lower.startsWith("urn:btmh:")) {
    v2Hashes.add(btmhToHex(topic.slice("urn:btmh:".length)));
  }
}

function btihToHex(value: string): string {
  if (HEX_40.test(value)) return refuseAllZero(value.toLowerCase(), "btih");
  if (value.length === 32) {
    if (!BASE32_32.test(value)) {
      throw new InvalidMagnetError(
        `btih "${value}" is 32 characters but not base32 (RFC 4648 alphabet A-Z and 2-7)`,
      );
    }
    return refuseAllZero(base32ToHex(value), "btih");
  }
  if (value.length === 40) {
    throw new InvalidMagnetError(`btih "${value}" is 40 characters but not hexadecimal`);
  }
  throw new InvalidMagnetError(
    `btih "${value}" has ${value.length} characters; expected 40 hexadecimal or 32 base32 characters`,
  );
}

function btmhToHex(value: string): string {
  if (!/^[0-9a-f]+$/i.test(value)) {
    throw new InvalidMagnetError(`btmh "${value}" is not a hexadecimal multihash`);
  }
  const lower = value.toLowerCase();
  if (!lower.startsWith(SHA2_256_MULTIHASH_PREFIX)) {
    throw new InvalidMagnetError(
      `btmh multihash must be sha2-256 (prefix 1220); got prefix "${lower.slice(0, 4)}"`,
    );
  }
  const digest = lower.slice(SHA2_256_MULTIHASH_PREFIX.length);
  if (!HEX_64.test(digest)) {
    throw new InvalidMagnetError(
      `btmh sha2-256 digest has ${digest.length} hexadecimal characters; expected 64`,
    );
  }
  return refuseAllZero(digest, "btmh");
}

// libtorrent reads an all-zero info-hash as "no info-hash": qBittorrent 4.5.2 still answers "Ok.", then
// drops the magnet and, in the same /torrents/add request, silently every magnet after it.
function refuseAllZero(hex: string, kind: "btih" | "btmh"): string {
  if (/^0+$/.test(hex)) {
    throw new InvalidMagnetError(`${kind} info-hash is all zeros; libtorrent treats it as missing`);
  }
  return hex;
}

function base32ToHex(value: string): string {
  let bits = 0;
  let bitCount = 0;
  let hex = "";
  for (const char of value.toUpperCase()) {
    bits = (bits << 5) | BASE32_ALPHABET.indexOf(char);
    bitCount += 5;
    if (bitCount >= 8) {
      bitCount -= 8;
      hex += ((bits >> bitCount) & 0xff).toString(16).padStart(2, "0");
    }
  }
  return hex;
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Whether a qBittorrent torrent is the one the magnet names, comparing hash, infohash_v1 and infohash_v2. */
export function matchesTorrent(parsed: ParsedMagnet, torrent: TorrentIdentity): boolean {
  const hash = torrent.hash?.toLowerCase() ?? "";
  const v1 = torrent.infohash_v1?.toLowerCase() ?? "";
  const v2 = torrent.infohash_v2?.toLowerCase() ?? "";
  if (hash !== "" && hash === parsed.qbittorrentHash) return true;
  if (parsed.infohashV1 !== undefined && (v1 === parsed.infohashV1 || hash === parsed.infohashV1))
    return true;
  if (parsed.infohashV2 !== undefined) {
    if (v2 === parsed.infohashV2) return true;
    if (hash !== "" && hash === parsed.infohashV2.slice(0, 40)) return true;
  }
  return false;
}

/** The hashes to ask `/torrents/info?hashes=` for so that any torrent matching the magnet is found. */
export function lookupHashes(parsed: ParsedMagnet): string[] {
  const hashes = new Set<string>([parsed.qbittorrentHash]);
  if (parsed.infohashV1 !== undefined) hashes.add(parsed.infohashV1);
  if (parsed.infohashV2 !== undefined) hashes.add(parsed.infohashV2.slice(0, 40));
  return [...hashes];
}
