// Status writes happen only on a real difference, and removed fields are nulled in the patch.
import assert from "node:assert/strict";
import { test } from "node:test";
import { statusDiffers, statusMergePatch } from "../../../operator/framework/status-patch.js";
import { backoffDelay } from "../../../operator/framework/outcome.js";

test("undefined fields and key order do not count as a difference", () => {
  assert.equal(statusDiffers({ a: 1, b: { c: 2 } }, { b: { c: 2 }, a: 1, d: undefined }), false);
  assert.equal(statusDiffers({ a: 1 }, { a: 2 }), true);
  assert.equal(statusDiffers(undefined, {}), false);
});

test("a merge patch nulls fields that the desired status drops", () => {
  assert.deepEqual(statusMergePatch({ a: 1, gone: "x" }, { a: 2 }), { status: { a: 2, gone: null } });
});

test("backoff grows exponentially, is capped and jittered within [ceiling/2, ceiling]", () => {
  assert.equal(
    backoffDelay(0, 1000, 60_000, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(3, 1000, 60_000, () => 1),
    8000,
  );
  assert.equal(
    backoffDelay(3, 1000, 60_000, () => 0),
    4000,
  );
  assert.equal(
    backoffDelay(50, 1000, 60_000, () => 1),
    60_000,
  );
});
