// Encodes qBittorrent's /torrents/add form as multipart/form-data by hand: the global FormData and Blob
// would load undici (about 12 MiB) for one request shape that needs fields and .torrent files only.
import { randomBytes } from "node:crypto";

export type MultipartPart =
  | { readonly name: string; readonly value: string }
  | {
      readonly name: string;
      readonly filename: string;
      readonly contentType: string;
      readonly bytes: Buffer;
    };

export interface MultipartBody {
  readonly contentType: string;
  readonly body: Buffer;
}

/** RFC 7578: one boundary-delimited part per entry; names and filenames quoted with `"` and CR/LF escaped. */
export function encodeMultipart(parts: readonly MultipartPart[]): MultipartBody {
  const boundary = `----mediaplane${randomBytes(12).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"`;
    if ("bytes" in part) {
      head += `; filename="${quoted(part.filename)}"\r\nContent-Type: ${part.contentType}`;
    }
    chunks.push(Buffer.from(`${head}\r\n\r\n`, "utf8"));
    chunks.push("bytes" in part ? part.bytes : Buffer.from(part.value, "utf8"));
    chunks.push(Buffer.from("\r\n", "utf8"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, "utf8"));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** The WHATWG form encoding of names: `"` as %22, CR and LF as %0D and %0A. */
function quoted(text: string): string {
  return text.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
