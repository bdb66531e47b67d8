// Reading and writing a Secret's base64 `data`, shared by the stack's generated Secrets (qBittorrent
// credentials, API keys): data rather than stringData, which is write-only and would differ on every apply.
import type { V1Secret } from "@kubernetes/client-node";

export function base64(value: string): string {
  return Buffer.from(value, "utf8").toString("base64");
}

/** The decoded value of `key`, or undefined when it is missing or empty. */
export function secretValue(secret: V1Secret | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  if (!encoded) return undefined;
  const value = Buffer.from(encoded, "base64").toString("utf8");
  return value === "" ? undefined : value;
}
