// The Torrent side of the MediaStack contract, through the API server only, on each qbittorrent-nox: a
// Torrent naming a stack waits (WaitingForMediaStack) until the stack's status publishes a ready
// qBittorrent, then uses it and carries a non-controller owner reference to the stack.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { parse } from "yaml";
import { PollerRegistry } from "../../../operator/clients/qbittorrent/poller-registry.js";
import { QbittorrentPort } from "../../../operator/controllers/torrent/qbittorrent-port.js";
import { torrentController } from "../../../operator/controllers/torrent/torrent-controller.js";
import { silentLogger } from "../../../operator/framework/logger.js";
import { Operator } from "../../../operator/framework/operator.js";
import { startQbittorrent, type QbittorrentInstance } from "../../cluster/qbittorrent.js";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { createTestNamespace, waitFor } from "../support/cluster.js";
import {
  condition,
  core,
  createTorrent,
  custom,
  eventReasons,
  kubeConfig,
  waitForCondition,
} from "./torrent-harness.js";

const stackApi = { group: "mediaplane.io", version: "v1alpha1", plural: "mediastacks" };
for (const target of testedQbittorrents()) {
  describe(`Torrent via a MediaStack with ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let qbittorrent: QbittorrentInstance;
    let operator: Operator;
    let pollers: PollerRegistry;

    before(async () => {
      qbittorrent = await startQbittorrent({ target });
      // Only the Torrent controller runs: the test plays the MediaStack controller by writing the stack's status.
      operator = new Operator({ kubeConfig, log: silentLogger() });
      pollers = new PollerRegistry({ poller: { intervalMs: 1000 } });
      operator.controller(torrentController(new QbittorrentPort(pollers, { progressIntervalMs: 10_000 }), 4));
      await operator.start();
    });

    after(async () => {
      await operator.stop();
      await pollers.stopAll();
      await qbittorrent.stop();
    });

    test("a Torrent waits for its MediaStack's qBittorrent, then uses it and is owned by the stack", async (t) => {
      const namespace = await createTestNamespace(t);
      const sample = parse(
        readFileSync(new URL("../../../samples/mediastack/minimal.yaml", import.meta.url), "utf8"),
      ) as {
        spec: unknown;
      };
      await createTorrent(namespace, "via-stack", {
        magnet_uri: "magnet:?xt=urn:btih:00000000000000000000000000000000000000a7&dn=stack",
        client_ref: { kind: "MediaStack", name: "home" },
      });
      const missing = await waitForCondition(
        namespace,
        "via-stack",
        "Available",
        "False",
        "WaitingForMediaStack",
      );
      assert.match(condition(missing, "Available")?.message ?? "", /MediaStack .*\/home to exist/);

      await custom.createNamespacedCustomObject({
        ...stackApi,
        namespace,
        body: {
          apiVersion: "mediaplane.io/v1alpha1",
          kind: "MediaStack",
          metadata: { name: "home" },
          spec: sample.spec,
        },
      });
      await waitFor(
        async () => {
          const torrent = await waitForCondition(
            namespace,
            "via-stack",
            "Available",
            "False",
            "WaitingForMediaStack",
          );
          return /publish its qBittorrent/.test(condition(torrent, "Available")?.message ?? "");
        },
        { what: "the wait message to name the unpublished qBittorrent" },
      );

      await core.createNamespacedSecret({
        namespace,
        body: {
          metadata: { name: "home-qbittorrent-credentials" },
          stringData: { username: qbittorrent.username, password: qbittorrent.password },
        },
      });
      await custom.patchNamespacedCustomObjectStatus(
        {
          ...stackApi,
          namespace,
          name: "home",
          body: {
            status: {
              qbittorrent: {
                url: qbittorrent.url,
                credentialsSecret: "home-qbittorrent-credentials",
                ready: true,
              },
            },
          },
        },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      const ready = await waitForCondition(namespace, "via-stack", "Ready", "True");
      const stack = (await custom.getNamespacedCustomObject({ ...stackApi, namespace, name: "home" })) as {
        metadata: { uid: string };
      };
      const reference = ready.metadata.ownerReferences?.find((ref) => ref.kind === "MediaStack");
      assert.equal(reference?.uid, stack.metadata.uid);
      assert.equal(reference?.controller, false);
      assert.equal(ready.status?.qbittorrent, qbittorrent.url);
      assert.ok((await eventReasons(namespace, "via-stack")).includes("Normal/MediaStackReady"));
    });
  });
}
