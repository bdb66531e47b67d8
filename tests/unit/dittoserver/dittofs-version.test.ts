// The DittoFS release is pinned twice, once for the renderer and once for the dfs the tests build
// (tests/cluster/go/dittofs/go.mod); this test keeps the two and the default image tag in step.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEFAULT_DITTOFS_IMAGE,
  DITTOFS_VERSION,
} from "../../../operator/controllers/dittoserver/versions.js";
import { clusterVersions } from "../../cluster/versions.js";

test("the renderer's DittoFS version is the one the dfs wrapper module builds", () => {
  assert.equal(DITTOFS_VERSION, clusterVersions().dittofs);
});

test("the default image is tagged with the pinned DittoFS version", () => {
  assert.equal(DEFAULT_DITTOFS_IMAGE.split(":").at(-1), DITTOFS_VERSION);
});
