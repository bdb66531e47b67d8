// The shared maindata poller, its write batching and the poller registry against each real qbittorrent-nox
// (4.5.2, 5.1.x, 5.3.x): one add per option set, outcomes decided from what qBittorrent really did.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QbittorrentClient } from "../../../operator/clients/qbittorrent/client.js";
import { InvalidMagnetError, parseMagnet } from "../../../operator/clients/qbittorrent/infohash.js";
import { MaindataPoller } from "../../../operator/clients/qbittorrent/maindata-poller.js";
import type { MaindataPollerEvent } from "../../../operator/clients/qbittorrent/maindata-poller.js";
import { PollerRegistry } from "../../../operator/clients/qbittorrent/poller-registry.js";
import { TorrentWriteBatcher } from "../../../operator/clients/qbittorrent/torrent-write-batcher.js";
import type { TorrentWriter } from "../../../operator/clients/qbittorrent/torrent-write-batcher.js";
import { startQbittorrent } from "../../cluster/qbittorrent.js";
import type { QbittorrentInstance } from "../../cluster/qbittorrent.js";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { waitFor } from "../../cluster/polling.js";
import { recordingLogger } from "./recording-logger.js";
import { versionBehaviour } from "./version-behaviour.js";
import type { VersionBehaviour } from "./version-behaviour.js";

const hex = (prefix: string): string => prefix.repeat(40).slice(0, 40);
const magnet = (hash: string, name?: string): string =>
  `magnet:?xt=urn:btih:${hash}${name === undefined ? "" : `&dn=${name}`}`;

for (const target of testedQbittorrents()) {
  describe(`MaindataPoller against ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let qbt: QbittorrentInstance;
    let expected: VersionBehaviour;
    let client: QbittorrentClient;
    let poller: MaindataPoller;
    const logger = recordingLogger();
    const events: MaindataPollerEvent[] = [];
    const changedHashes = (): Set<string> =>
      new Set(events.flatMap((event) => (event.type === "changed" ? event.changed : [])));
    const removedHashes = (): Set<string> =>
      new Set(events.flatMap((event) => (event.type === "changed" ? event.removed : [])));

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
      poller = new MaindataPoller({
        client,
        intervalMs: 250,
        writeWindowMs: 100,
        addVerifyTimeoutMs: 2_000,
        logger,
      });
      poller.subscribe((event) => events.push(event));
      poller.start();
      await poller.pollNow();
    });

    after(async () => {
      await poller.stop();
      client.close();
      await qbt.stop();
    });

    it("sends a burst of adds with the same options as ONE /torrents/add and reports each as added", async () => {
      const hashes = ["c1", "c2", "c3", "c4", "c5"].map(hex);
      logger.clear();
      const outcomes = await Promise.all(
        hashes.map((hash, index) =>
          poller.enqueueAdd({ magnetUri: magnet(hash, `burst-${index}`), tags: ["mediaplane"] }),
        ),
      );
      assert.equal(logger.requests("torrents/add").length, 1, "five magnets, one request");
      for (const [index, outcome] of outcomes.entries()) {
        assert.equal(outcome.outcome, "added");
        assert.equal(outcome.hash, hashes[index]);
        assert.equal(outcome.torrent.state, "metaDL");
        assert.equal(outcome.torrent.total_size, -1);
      }

      await waitFor(() => hashes.every((hash) => poller.get(hash) !== undefined), {
        what: "the poller to see the batch",
      });
      for (const hash of hashes) {
        const torrent = poller.get(hash.toUpperCase());
        assert.equal(torrent?.state, "metaDL");
        assert.equal(torrent?.total_size, -1);
        assert.equal(torrent?.tags, "mediaplane");
        assert.ok(changedHashes().has(hash), "subscribers were told which torrents changed");
      }
      assert.ok(poller.snapshot().size >= hashes.length);
      assert.equal(poller.health().healthy, true);
    });

    it("sends one /torrents/add per distinct option set", async () => {
      logger.clear();
      const outcomes = await Promise.all([
        poller.enqueueAdd({ magnetUri: magnet(hex("d1")), category: "tv" }),
        poller.enqueueAdd({ magnetUri: magnet(hex("d2")), category: "tv" }),
        poller.enqueueAdd({ magnetUri: magnet(hex("d3")), paused: true }),
      ]);
      assert.deepEqual(
        outcomes.map((outcome) => outcome.outcome),
        ["added", "added", "added"],
      );
      assert.equal(logger.requests("torrents/add").length, 2);
      const paused = outcomes[2];
      assert.ok(paused?.outcome === "added");
      assert.equal(paused.torrent.state, expected.stoppedMetaState);
      assert.equal(outcomes[0]?.outcome === "added" && outcomes[0].torrent.category, "tv");
    });

    it("calls a torrent already there a duplicate in any spelling; the first request of a batch owns a new one", async () => {
      logger.clear();
      const [existing, base32Spelling, first, second] = await Promise.all([
        poller.enqueueAdd({ magnetUri: magnet(hex("c1")) }),
        poller.enqueueAdd({ magnetUri: "magnet:?xt=urn:btih:YHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOB" }),
        poller.enqueueAdd({ magnetUri: magnet(hex("e1"), "twice") }),
        poller.enqueueAdd({ magnetUri: magnet(hex("e1").toUpperCase(), "twice") }),
      ]);
      assert.equal(existing.outcome, "duplicate");
      assert.equal(existing.hash, hex("c1"));
      // YHA4DQOB... is the base32 spelling of c1c1...c1.
      assert.equal(base32Spelling.outcome, "duplicate");
      assert.equal(base32Spelling.hash, hex("c1"));
      assert.equal(first.outcome, "added");
      assert.equal(second.outcome, "duplicate", "the second CR of the same torrent does not own it");
      assert.equal(logger.requests("torrents/add").length, 1, "a torrent already there is not sent again");
    });

    it("classifies a magnet qBittorrent refuses (Fails.) as invalid without waiting, and refuses all-zero hashes itself", async () => {
      // qBittorrent answers "Fails." (5.3: 409) for the uppercase URN namespace (libtorrent matches "urn:btih:"
      // exactly); the parser accepts it, as RFC 8141 makes namespaces case-insensitive.
      const refusedUri = `magnet:?xt=URN:BTIH:${hex("f1")}`;
      assert.deepEqual(await client.addTorrents({ urls: [refusedUri] }), expected.nothingAdded);
      const refused = await poller.enqueueAdd({ magnetUri: refusedUri });
      assert.equal(refused.outcome, "invalid");
      assert.match(
        refused.message,
        expected.release === "5.3"
          ? /refused the magnet \(answered 409 Conflict\)/
          : /refused the magnet \(answered "Fails\."\)/,
      );
      // The message is the add answer's, not the verify timeout's ("dropped right after accepting"):
      // the refusal was classified from the answer itself, without waiting.

      // An all-zero info-hash is accepted by qBittorrent but libtorrent drops it: refused before sending.
      assert.deepEqual(
        await client.addTorrents({ urls: [magnet("0".repeat(40))] }),
        expected.added(["0".repeat(40)]),
      );
      await assert.rejects(poller.enqueueAdd({ magnetUri: magnet("0".repeat(40)) }), /all zeros/);
      await assert.rejects(
        poller.enqueueAdd({ magnetUri: "magnet:?xt=urn:btih:not-a-hash" }),
        InvalidMagnetError,
      );
      assert.deepEqual(await client.torrentsInfo(["0".repeat(40)]), []);
    });

    it("reports what qBittorrent really did when a batch is poisoned: added iff listed, lost ones invalid", async (t) => {
      // Fault injection into a REAL request: an all-zero magnet (which the parser refuses) is put first.
      // qBittorrent 4.5.2 answers "Ok.", and usually loses magnets after it and refuses them until restarted.
      const poisoning: TorrentWriter = {
        torrentsInfo: (hashes) => client.torrentsInfo(hashes),
        deleteTorrents: (hashes, deleteFiles) => client.deleteTorrents(hashes, deleteFiles),
        addTorrents: (request) =>
          client.addTorrents({ ...request, urls: [magnet("0".repeat(40)), ...(request.urls ?? [])] }),
      };
      const batcher = new TorrentWriteBatcher({ client: poisoning, windowMs: 50, verifyTimeoutMs: 1_500 });
      const hashes = [hex("5a"), hex("5b"), hex("5c")];
      const outcomes = await Promise.all(
        hashes.map((hash) => batcher.enqueueAdd({ magnetUri: magnet(hash) })),
      );
      const listed = new Set((await client.torrentsInfo(hashes)).map((torrent) => torrent.hash));
      for (const outcome of outcomes) {
        assert.equal(
          outcome.outcome === "added",
          listed.has(outcome.hash),
          `${outcome.hash}: added iff listed`,
        );
        if (outcome.outcome === "invalid")
          assert.match(outcome.message, /accepted the magnet but the torrent did not appear/);
      }
      const lost = outcomes.filter((outcome) => outcome.outcome === "invalid").map((outcome) => outcome.hash);
      t.diagnostic(`magnets qBittorrent lost after the poison: ${lost.length} of ${hashes.length}`);
      for (const hash of lost) {
        assert.deepEqual(
          await client.addTorrents({ urls: [magnet(hash)] }),
          expected.nothingAdded,
          "stuck until a restart",
        );
      }
    });

    it("finds a hybrid torrent from its v1-only, v2-only and hybrid magnets", async () => {
      const v1 = hex("a7");
      const v2 = "b8".repeat(32);
      const outcome = await poller.enqueueAdd({
        magnetUri: `magnet:?xt=urn:btih:${v1}&xt=urn:btmh:1220${v2}&dn=hybrid`,
      });
      assert.equal(outcome.outcome, "added");
      assert.equal(outcome.hash, v2.slice(0, 40), "qBittorrent reports a hybrid by its truncated v2 hash");
      await waitFor(() => poller.get(v2.slice(0, 40)), { what: "the hybrid in the poller" });
      for (const uri of [
        magnet(v1),
        `magnet:?xt=urn:btmh:1220${v2}`,
        `magnet:?xt=urn:btih:${v1}&xt=urn:btmh:1220${v2}`,
      ]) {
        assert.equal(poller.findByParsedMagnet(parseMagnet(uri))?.hash, v2.slice(0, 40), uri);
      }
      assert.equal(poller.findByParsedMagnet(parseMagnet(magnet(hex("99")))), undefined);

      // `hashes=<v1>` does not find a hybrid (listed under its v2 id); the poller's picture does.
      assert.deepEqual(await client.torrentsInfo([v1]), []);
      logger.clear();
      const viaPoller = await poller.enqueueAdd({ magnetUri: magnet(v1) });
      assert.equal(viaPoller.outcome, "duplicate");
      assert.equal(viaPoller.hash, v2.slice(0, 40));
      assert.equal(logger.requests("torrents/add").length, 0);

      // Without that picture: qBittorrent answers Fails. and the full list settles it as a duplicate.
      const blind = new TorrentWriteBatcher({ client, windowMs: 10, verifyTimeoutMs: 1_000 });
      const viaFullList = await blind.enqueueAdd({ magnetUri: magnet(v1) });
      assert.equal(viaFullList.outcome, "duplicate");
      assert.equal(viaFullList.hash, v2.slice(0, 40));
    });

    it("batches deletes per deleteFiles value and reports the removed hashes", async () => {
      logger.clear();
      await Promise.all([
        poller.enqueueDelete(hex("c1"), false),
        poller.enqueueDelete(hex("c2").toUpperCase(), false),
        poller.enqueueDelete(hex("c3"), true),
        poller.enqueueDelete(hex("9f"), false),
      ]);
      assert.equal(logger.requests("torrents/delete").length, 2);
      await waitFor(() => [hex("c1"), hex("c2"), hex("c3")].every((hash) => removedHashes().has(hash)), {
        what: "the removals to reach subscribers",
      });
      assert.equal(poller.get(hex("c1")), undefined);
      assert.notEqual(poller.get(hex("c4")), undefined);
    });

    it("polls one request per interval however many torrents there are", async () => {
      assert.ok(poller.snapshot().size >= 5);
      logger.clear();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const polls = logger.requests("sync/maindata").length;
      assert.ok(polls >= 3 && polls <= 6, `about 4 polls in 1.1 s at 250 ms, got ${polls}`);
      assert.equal(logger.requests("torrents/info").length, 0);
    });

    it("tells subscribers when qBittorrent stops answering, backs off, and recovers", async () => {
      const slowClient = new QbittorrentClient({
        url: qbt.url,
        username: qbt.username,
        password: qbt.password,
        timeoutMs: 1_000,
      });
      const watched = new MaindataPoller({ client: slowClient, intervalMs: 100, maxBackoffMs: 400 });
      const seen: MaindataPollerEvent[] = [];
      watched.subscribe((event) => seen.push(event));
      watched.start();
      // Healthy first; on a busy machine the first poll (with its login) may take longer than the timeout.
      await waitFor(() => (watched.health().healthy ? true : undefined), {
        what: "a healthy first poll",
        timeoutMs: 30_000,
      });
      const pid = qbt.pid;
      assert.ok(pid !== undefined);
      const sinceStop = seen.length;
      const afterStop = (): MaindataPollerEvent[] => seen.slice(sinceStop);
      process.kill(pid, "SIGSTOP");
      try {
        await waitFor(() => afterStop().filter((event) => event.type === "error").length >= 2, {
          what: "two error events",
          timeoutMs: 30_000,
        });
      } finally {
        process.kill(pid, "SIGCONT");
      }
      const errors = afterStop().filter((event) => event.type === "error");
      assert.equal(errors[0]?.error.reason, "QbittorrentUnreachable");
      assert.ok((errors[1]?.retryInMs ?? 0) > (errors[0]?.retryInMs ?? 0), "the interval backs off");
      const health = watched.health();
      assert.equal(health.lastError?.reason, "QbittorrentUnreachable");
      await waitFor(() => afterStop().some((event) => event.type === "recovered"), {
        what: "recovery",
        timeoutMs: 30_000,
      });
      assert.equal(watched.health().healthy, true);
      await watched.stop();
      slowClient.close();
    });

    it("keeps working across a qbittorrent-nox restart (full update after the new login)", async () => {
      const before = poller.snapshot().size;
      events.length = 0;
      await qbt.restart();
      await waitFor(() => poller.health().healthy && poller.health().lastSuccessAt !== undefined, {
        what: "the poller to be healthy",
      });
      await poller.pollNow();
      assert.equal(poller.health().healthy, true);
      assert.equal(poller.snapshot().size, before, "magnets survive the restart");
      const added = await poller.enqueueAdd({ magnetUri: magnet(hex("a9")) });
      assert.equal(added.outcome, "added");
    });
  });

  describe(`PollerRegistry against ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let qbt: QbittorrentInstance;
    const registry = new PollerRegistry({ poller: { intervalMs: 200 }, timeoutMs: 5_000 });

    before(async () => {
      qbt = await startQbittorrent({ target });
    });

    after(async () => {
      await registry.stopAll();
      await qbt.stop();
    });

    it("gives every Torrent of one instance the same poller and stops it when the last one leaves", async () => {
      const endpoint = { url: qbt.url, username: qbt.username, password: qbt.password };
      const first = registry.acquire("uid-1", endpoint);
      const second = registry.acquire("uid-2", { ...endpoint, url: `${qbt.url}/` });
      assert.equal(first, second);
      assert.equal(registry.acquire("uid-1", endpoint), first, "acquire is idempotent per consumer");
      assert.equal(registry.clientFor("uid-1"), registry.clientFor("uid-2"), "and so is the client under it");
      assert.match((await registry.clientFor("uid-1").webapiVersion()).text, /^2\./);
      assert.throws(() => registry.clientFor("nobody"), /has not acquired/);
      assert.equal(registry.size, 1);
      await first.pollNow();
      assert.equal(first.health().healthy, true);

      const other = registry.acquire("uid-3", { ...endpoint, password: "not-the-password" });
      assert.notEqual(other, first, "other credentials, other poller");
      assert.equal(registry.size, 2);
      const failure = await new Promise<MaindataPollerEvent>((resolve) => {
        const unsubscribe = other.subscribe((event) => {
          if (event.type === "error") {
            unsubscribe();
            resolve(event);
          }
        });
      });
      assert.ok(failure.type === "error");
      assert.equal(failure.error.reason, "QbittorrentLoginFailed");

      await registry.release("uid-3");
      assert.equal(registry.size, 1);
      assert.equal(other.health().running, false);

      await registry.release("uid-1");
      assert.equal(first.health().running, true, "uid-2 still uses it");
      await registry.release("uid-2");
      assert.equal(registry.size, 0);
      assert.equal(first.health().running, false);
      await registry.release("uid-2");
    });
  });
}
