// Computes the WebUI\Password_PBKDF2 value qBittorrent (4.2+) stores in qBittorrent.conf, so a
// MediaStack (and the test launcher) can seed qBittorrent with a known password. Pure, node:crypto only.

import { pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

// qBittorrent src/base/utils/password.cpp: PBKDF2-HMAC-SHA512, 100000 iterations, 16-byte salt, 64-byte key.
const ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
const DIGEST = "sha512";

/**
 * `@ByteArray(<base64 salt>:<base64 key>)`. In qBittorrent.conf the value must be written in double
 * quotes: `WebUI\Password_PBKDF2="@ByteArray(...)"`.
 */
export function hashQbittorrentPassword(
  password: string,
  salt: Uint8Array = randomBytes(SALT_BYTES),
): string {
  if (salt.length !== SALT_BYTES) throw new RangeError(`salt must be ${SALT_BYTES} bytes`);
  const key = pbkdf2Sync(password, salt, ITERATIONS, KEY_BYTES, DIGEST);
  return `@ByteArray(${Buffer.from(salt).toString("base64")}:${key.toString("base64")})`;
}

/** The salt and key of a stored value (quoted or not). */
export function parseQbittorrentPasswordHash(stored: string): { salt: Buffer; key: Buffer } {
  const match = /^"?@ByteArray\(([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)\)"?$/.exec(stored.trim());
  if (match === null) throw new Error("not a qBittorrent @ByteArray(salt:key) password hash");
  const salt = Buffer.from(match[1], "base64");
  const key = Buffer.from(match[2], "base64");
  if (salt.length !== SALT_BYTES || key.length !== KEY_BYTES) {
    throw new Error(`password hash must hold a ${SALT_BYTES}-byte salt and a ${KEY_BYTES}-byte key`);
  }
  return { salt, key };
}

/** Whether `password` matches a stored value, compared in constant time. */
export function verifyQbittorrentPassword(password: string, stored: string): boolean {
  const { salt, key } = parseQbittorrentPasswordHash(stored);
  return timingSafeEqual(pbkdf2Sync(password, salt, ITERATIONS, KEY_BYTES, DIGEST), key);
}
