// QbittorrentClient against each real qbittorrent-nox (4.5.2, 5.1.x, 5.3.x): login, versions, batch adds,
// Fails./409 for duplicates, pause vs stop endpoints, limits, tags, categories, deletes of real data.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { QbittorrentClient } from "../../../operator/clients/qbittorrent/client.js";
import { QbittorrentRejectedError } from "../../../operator/clients/qbittorrent/errors.js";
import { startQbittorrent } from "../../cluster/qbittorrent.js";
import type { QbittorrentInstance } from "../../cluster/qbittorrent.js";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { waitFor } from "../../cluster/polling.js";
import { rawPostStatus } from "./raw-webui.js";
import { recordingLogger } from "./recording-logger.js";
import { createTinyTorrent } from "./tiny-torrent-file.js";
import { versionBehaviour } from "./version-behaviour.js";
import type { VersionBehaviour } from "./version-behaviour.js";

const hex = (prefix: string): string => prefix.repeat(40).slice(0, 40);

for (const target of testedQbittorrents()) {
  describe(`QbittorrentClient against ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let qbt: QbittorrentInstance;
    let client: QbittorrentClient;
    let expected: VersionBehaviour;
    const logger = recordingLogger();

    before(async () => {
      qbt = await startQbittorrent({ target });
      expected = versionBehaviour(qbt.version);
      client = new QbittorrentClient({
        url: qbt.url,
        username: qbt.username,
        password: qbt.password,
        timeoutMs: 5_000,
        logger,
      });
    });

    after(async () => {
      client.close();
      await qbt.stop();
    });

    it("logs in (200 Ok. and SID up to 5.1, 204 and QBT_SID_<port> from 5.2) and reads the versions", async () => {
      await client.login();
      assert.equal(
        logger.lines.filter((line) => line.message === "Successfully logged into qBittorrent").length,
        1,
      );
      assert.equal(logger.requests("auth/login")[0]?.meta?.status, expected.loginOk.status);
      const version = await client.webapiVersion();
      assert.match(version.text, expected.webapiVersion);
      assert.equal(version.text, `${version.major}.${version.minor}.${version.patch}`);
      assert.equal(await client.appVersion(), `v${qbt.version}`);
      logger.clear();
      await client.webapiVersion();
      assert.equal(logger.requests("app/webapiVersion").length, 0, "the Web API version is cached per login");
    });

    it("adds several magnets in ONE request; offline they sit in metaDL with total_size -1", async () => {
      const hashes = [hex("a1"), hex("a2"), hex("a3"), hex("a4")];
      logger.clear();
      const result = await client.addTorrents({
        urls: hashes.map((hash, index) => `magnet:?xt=urn:btih:${hash}&dn=batch-${index}`),
        tags: ["mediaplane", "batch"],
      });
      assert.deepEqual(result, expected.added(hashes));
      assert.equal(logger.requests("torrents/add").length, 1);

      const torrents = await waitFor(
        async () => {
          const found = await client.torrentsInfo(hashes.map((hash) => hash.toUpperCase()));
          return found.length === hashes.length ? found : undefined;
        },
        { what: "the batch to show up in torrents/info", timeoutMs: 10_000 },
      );
      for (const torrent of torrents) {
        assert.equal(torrent.state, "metaDL");
        assert.equal(torrent.total_size, -1);
        assert.equal(
          torrent.amount_left,
          0,
          "amount_left is 0 while metadata is missing: not a completion signal",
        );
        assert.equal(torrent.content_path, "");
        assert.equal(torrent.tags, "batch, mediaplane");
        assert.equal(torrent.infohash_v1, torrent.hash);
      }
      assert.deepEqual(torrents.map((torrent) => torrent.name).sort(), [
        "batch-0",
        "batch-1",
        "batch-2",
        "batch-3",
      ]);
      assert.deepEqual(await client.torrentsInfo([hex("ff")]), [], "unknown hashes give an empty list");
      assert.deepEqual(await client.torrentsInfo([]), []);
    });

    it("gets Fails. (409 from 5.2) for a duplicate, also as base32 or uppercase; a batch with one new magnet succeeds", async () => {
      const hash = hex("a1");
      for (const spelling of [hash, hash.toUpperCase(), base32(hash)]) {
        assert.deepEqual(
          await client.addTorrents({ urls: [`magnet:?xt=urn:btih:${spelling}`] }),
          expected.nothingAdded,
          spelling,
        );
      }
      const mixed = await client.addTorrents({
        urls: [`magnet:?xt=urn:btih:${hash}`, `magnet:?xt=urn:btih:${hex("a5")}`],
      });
      if (expected.release === "5.3") {
        assert.deepEqual(
          mixed,
          { ...expected.added([hex("a5")]), failureCount: 1 },
          "5.3 counts the duplicate as a failure and lists only the new id",
        );
      } else {
        assert.deepEqual(
          mixed,
          { kind: "ok" },
          "up to 5.1 one Ok. answers a batch as soon as one was accepted",
        );
      }
    });

    it("pauses and resumes through /torrents/pause|resume on 4.5, /torrents/stop|start on 5.x (the others are 404)", async () => {
      const hash = hex("a2");
      logger.clear();
      await client.pause([hash]);
      assert.equal(logger.requests(expected.stopEndpoints.stop).length, 1);
      await waitFor(async () => (await client.torrentsInfo([hash]))[0]?.state === expected.stoppedMetaState, {
        what: expected.stoppedMetaState,
        timeoutMs: 5_000,
      });
      await client.resume([hash]);
      assert.equal(logger.requests(expected.stopEndpoints.start).length, 1);
      await waitFor(async () => (await client.torrentsInfo([hash]))[0]?.state === "metaDL", {
        what: "metaDL again",
        timeoutMs: 5_000,
      });
      for (const endpoint of expected.stopEndpoints.missing) {
        assert.equal(await rawPostStatus(qbt, `/api/v2/${endpoint}`, { hashes: hash }), 404, endpoint);
      }
    });

    it("adds paused with `paused=true` on 4.5, `stopped=true` on 5.x", async () => {
      const hash = hex("b1");
      await client.addTorrents({ urls: [`magnet:?xt=urn:btih:${hash}`], paused: true });
      await waitFor(async () => (await client.torrentsInfo([hash]))[0]?.state === expected.stoppedMetaState, {
        what: "a torrent added paused",
        timeoutMs: 5_000,
      });
    });

    it("sets per-torrent rate limits, share limits, tags and categories", async () => {
      const hash = hex("a3");
      await client.setUploadLimit([hash], 1_024);
      await client.setDownloadLimit([hash], 2_048);
      await client.setShareLimits([hash], { ratioLimit: 2, seedingTimeLimit: 60 });
      await client.addTags([hash], ["extra"]);
      await client.removeTags([hash], ["batch"]);
      assert.equal(await client.createCategory("movies", `${qbt.downloadDir}/movies`), "created");
      assert.equal(
        await client.createCategory("movies", `${qbt.downloadDir}/movies`),
        "exists",
        "409 is fine",
      );
      await client.setCategory([hash], "movies");
      const [torrent] = await client.torrentsInfo([hash]);
      assert.equal(torrent?.up_limit, 1_024);
      assert.equal(torrent?.dl_limit, 2_048);
      assert.equal(torrent?.ratio_limit, 2);
      assert.equal(torrent?.seeding_time_limit, 60);
      assert.equal(torrent?.tags, "extra, mediaplane");
      assert.equal(torrent?.category, "movies");

      await assert.rejects(client.setCategory([hash], "no-such-category"), (error: unknown) => {
        assert.ok(error instanceof QbittorrentRejectedError);
        assert.equal(error.reason, "QbittorrentConflict");
        assert.equal(error.status, 409);
        return true;
      });
    });

    it("sends both hashes and deleteFiles (qBittorrent answers 400 without deleteFiles); unknown hashes succeed", async () => {
      assert.equal(await rawPostStatus(qbt, "/api/v2/torrents/delete", { hashes: hex("ee") }), 400);
      await client.deleteTorrents([hex("ee"), hex("ef")], false);
      await client.deleteTorrents([hex("a4")], false);
      await client.deleteTorrents([hex("a4")], false);
      assert.deepEqual(await client.torrentsInfo([hex("a4")]), []);
    });

    it("seeds a real .torrent whose data is present, and deleteFiles=false keeps the data", async () => {
      const tiny = createTinyTorrent(qbt.downloadDir, "keep-me.bin");
      const result = await client.addTorrents({
        torrentFiles: [{ filename: "keep-me.torrent", content: tiny.torrent }],
        savepath: qbt.downloadDir,
      });
      assert.deepEqual(result, expected.added([tiny.infohashV1]));
      const seeding = await waitFor(
        async () => {
          const [torrent] = await client.torrentsInfo([tiny.infohashV1]);
          return torrent !== undefined && torrent.progress === 1 && torrent.state === "stalledUP"
            ? torrent
            : undefined;
        },
        { what: "the tiny torrent to check and seed", timeoutMs: 15_000 },
      );
      assert.equal(seeding.total_size, 40_000);
      assert.equal(seeding.content_path, tiny.dataPath);

      await client.deleteTorrents([tiny.infohashV1], false);
      await waitFor(async () => (await client.torrentsInfo([tiny.infohashV1])).length === 0, {
        what: "the torrent to be removed",
        timeoutMs: 5_000,
      });
      assert.equal(existsSync(tiny.dataPath), true, "deleteFiles=false leaves the downloaded data alone");
    });

    it("deleteFiles=true removes the data", async () => {
      const tiny = createTinyTorrent(qbt.downloadDir, "remove-me.bin");
      await client.addTorrents({
        torrentFiles: [{ filename: "remove-me.torrent", content: tiny.torrent }],
        savepath: qbt.downloadDir,
      });
      await waitFor(async () => (await client.torrentsInfo([tiny.infohashV1]))[0]?.progress === 1, {
        what: "the torrent to check",
        timeoutMs: 15_000,
      });
      await client.deleteTorrents([tiny.infohashV1], true);
      await waitFor(() => !existsSync(tiny.dataPath), {
        what: "the data file to be deleted",
        timeoutMs: 5_000,
      });
    });

    it("turns a broken .torrent file into a typed 415 rejection", async () => {
      await assert.rejects(
        client.addTorrents({
          torrentFiles: [{ filename: "broken.torrent", content: Buffer.from("not bencode") }],
        }),
        (error: unknown) => {
          assert.ok(error instanceof QbittorrentRejectedError);
          assert.equal(error.reason, "QbittorrentInvalidTorrentFile");
          assert.equal(error.status, 415);
          return true;
        },
      );
    });

    it("reads sync/maindata: rid 0 is a full update, the next rid only changes", async () => {
      const full = await client.syncMaindata(0);
      assert.equal(full.full_update, true);
      assert.ok(Object.keys(full.torrents ?? {}).includes(hex("a1")));
      await client.pause([hex("a1")]);
      const partial = await waitFor(
        async () => {
          const update = await client.syncMaindata(full.rid);
          return update.torrents?.[hex("a1")]?.state === expected.stoppedMetaState ? update : undefined;
        },
        { what: "a partial update with the paused state", timeoutMs: 5_000 },
      );
      assert.equal(partial.full_update, undefined);
      assert.equal(
        partial.torrents?.[hex("a1")]?.name,
        undefined,
        "a partial entry carries only changed fields",
      );
    });
  });
}

/** RFC 4648 base32 of a hex string, without padding (a 20-byte hash gives 32 characters). */
function base32(hexText: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const byte of Buffer.from(hexText, "hex")) bits += byte.toString(2).padStart(8, "0");
  let text = "";
  for (let index = 0; index + 5 <= bits.length; index += 5)
    text += alphabet[parseInt(bits.slice(index, index + 5), 2)];
  return text;
}
