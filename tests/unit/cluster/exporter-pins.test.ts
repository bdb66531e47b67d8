// The exporters are pinned twice, in the catalog the sidecars render from and in the source pins the
// real node's test images are built from (tests/cluster/go/<name>/source.pin); this keeps them in step.
import assert from "node:assert/strict";
import { test } from "node:test";
import { exporterCatalog } from "../../../operator/controllers/mediastack/exporter-catalog.js";
import { exportarrImageConfig } from "../../cluster/images/exporter-images.js";
import { sourcePinnedTag } from "../../cluster/versions.js";

test("the test images build the exporter tags the catalog pins", () => {
  assert.equal(sourcePinnedTag("exportarr"), exporterCatalog.exportarr.tag);
  assert.equal(sourcePinnedTag("qbittorrent-exporter"), exporterCatalog.qbittorrentExporter.tag);
});

test("the exportarr test image runs as the user and on the port the catalog renders", () => {
  assert.equal(
    exportarrImageConfig.User,
    `${exporterCatalog.exportarr.runAsUser}:${exporterCatalog.exportarr.runAsUser}`,
  );
  assert.ok(exportarrImageConfig.Env?.includes(`PORT=${exporterCatalog.exportarr.port}`));
});
