// What the wiring last wrote, as a sha256 of its canonical JSON: GET answers mask secrets (********), so
// an entry is rewritten when this hash changes, never by comparing secrets read back.
import { createHash } from "node:crypto";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The keys are random 128-bit values, so their hash in status reveals nothing usable. */
export function appliedHash(written: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(written)))
    .digest("hex");
}

/** Deep equality of JSON values, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
