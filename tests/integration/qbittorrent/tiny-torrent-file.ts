// Writes a small random file and a v1 .torrent describing it (our own bencode writer), so integration
// tests can give qbittorrent-nox a torrent whose data is on disk: it checks it and seeds (stalledUP).
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

type Bencodable = number | string | Uint8Array | Bencodable[] | { [key: string]: Bencodable };

/** BEP 3 bencoding; dictionary keys sorted as raw byte strings. */
export function bencode(value: Bencodable): Buffer {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error("bencode integers only");
    return Buffer.from(`i${value}e`);
  }
  if (typeof value === "string") return bencode(Buffer.from(value, "utf8"));
  if (value instanceof Uint8Array) return Buffer.concat([Buffer.from(`${value.length}:`), value]);
  if (Array.isArray(value)) return Buffer.concat([Buffer.from("l"), ...value.map(bencode), Buffer.from("e")]);
  const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Buffer.concat([
    Buffer.from("d"),
    ...keys.flatMap((key) => [bencode(key), bencode(value[key])]),
    Buffer.from("e"),
  ]);
}

export interface TinyTorrent {
  /** The .torrent file's bytes. */
  torrent: Buffer;
  /** 40 lowercase hex: SHA-1 of the bencoded info dictionary (what qBittorrent reports as hash). */
  infohashV1: string;
  /** Absolute path of the data file. */
  dataPath: string;
}

/** Creates `<dir>/<name>` with `size` random bytes and a single-file v1 torrent for it. */
export function createTinyTorrent(dir: string, name: string, size = 40_000): TinyTorrent {
  const pieceLength = 16_384;
  const data = randomBytes(size);
  const dataPath = join(dir, name);
  writeFileSync(dataPath, data);
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += pieceLength) {
    pieces.push(
      createHash("sha1")
        .update(data.subarray(offset, offset + pieceLength))
        .digest(),
    );
  }
  const info = { length: size, name, "piece length": pieceLength, pieces: Buffer.concat(pieces) };
  const torrent = bencode({ "created by": "mediaplane tests", info });
  const infohashV1 = createHash("sha1").update(bencode(info)).digest("hex");
  return { torrent, infohashV1, dataPath };
}
