// The maindata poller's retry after a refused or held-back login: the login backoff's schedule (5 s, then
// 10 s) decides, however many Torrents polled meanwhile; doubling over them pushed the burst out to 60 s.
import assert from "node:assert/strict";
import { test } from "node:test";
import { QbittorrentUnauthorizedError } from "../../../operator/clients/qbittorrent/errors.js";
import {
  MaindataPoller,
  type MaindataPollerClient,
  type MaindataPollerEvent,
} from "../../../operator/clients/qbittorrent/maindata-poller.js";

function refusingClient(retryAfterMs: number): MaindataPollerClient {
  const refuse = (): Promise<never> =>
    Promise.reject(
      new QbittorrentUnauthorizedError("not logging in yet", "QbittorrentLoginBackoff", { retryAfterMs }),
    );
  return {
    url: "http://qb:8080",
    syncMaindata: refuse,
    addTorrents: refuse,
    deleteTorrents: refuse,
    torrentsInfo: refuse,
  };
}

test("after ten held-back logins in a row the poller retries when the login backoff allows, not after 60 s", async () => {
  const poller = new MaindataPoller({ client: refusingClient(5_000), intervalMs: 1_000 });
  const events: MaindataPollerEvent[] = [];
  poller.subscribe((event) => events.push(event));
  // Ten Torrents connecting before the first sync each poll once (none of these reaches qBittorrent).
  for (let torrent = 0; torrent < 10; torrent++) await poller.pollNow();
  const last = events.at(-1);
  assert.equal(last?.type, "error");
  assert.equal(last.consecutiveFailures, 10);
  assert.equal(last.retryInMs, 5_000, "the login backoff's wait, not 1 s doubled ten times");
});

test("a ban's long wait is still honoured", async () => {
  const poller = new MaindataPoller({ client: refusingClient(600_000), intervalMs: 1_000 });
  const events: MaindataPollerEvent[] = [];
  poller.subscribe((event) => events.push(event));
  await poller.pollNow();
  const last = events.at(-1);
  assert.equal(last?.type === "error" ? last.retryInMs : undefined, 600_000);
});
