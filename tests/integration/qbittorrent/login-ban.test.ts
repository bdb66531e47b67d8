// What the client does once qBittorrent has banned its IP, against each real qbittorrent-nox with its ban
// threshold lowered to 2 (the default 5 is out of the client's reach by design, see session.test.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QbittorrentClient } from "../../../operator/clients/qbittorrent/client.js";
import { QbittorrentUnauthorizedError } from "../../../operator/clients/qbittorrent/errors.js";
import { LoginBackoff } from "../../../operator/clients/qbittorrent/login-backoff.js";
import { startQbittorrent } from "../../cluster/qbittorrent.js";
import type { QbittorrentInstance } from "../../cluster/qbittorrent.js";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { rawPost } from "./raw-webui.js";

for (const target of testedQbittorrents()) {
  describe(`qBittorrent IP ban on ${targetTitle(target)}`, { skip: target.unavailable }, () => {
    let qbt: QbittorrentInstance;
    const clients: QbittorrentClient[] = [];

    before(async () => {
      qbt = await startQbittorrent({
        target,
        extraConfig: {
          Preferences: { "WebUI\\MaxAuthenticationFailCount": "2", "WebUI\\BanDuration": "3600" },
        },
      });
    });

    after(async () => {
      for (const client of clients) client.close();
      await qbt.stop();
    });

    it("reports a 403 on login as QbittorrentBanned, even with the right password, and backs off fully", async () => {
      const wrong = new QbittorrentClient({
        url: qbt.url,
        username: qbt.username,
        password: "definitely-wrong",
        timeoutMs: 5_000,
        loginBackoff: new LoginBackoff({ initialDelayMs: 0, maxDelayMs: 60_000, burstLimit: 3 }),
      });
      clients.push(wrong);
      for (let attempt = 0; attempt < 2; attempt++) {
        await assert.rejects(wrong.login(), { reason: "QbittorrentLoginFailed" });
      }
      const raw = await rawPost(qbt, "/api/v2/auth/login", {
        username: qbt.username,
        password: qbt.password,
      });
      assert.equal(raw.status, 403, "qBittorrent now refuses even the right password");
      assert.match(raw.body, /banned/);

      const right = new QbittorrentClient({
        url: qbt.url,
        username: qbt.username,
        password: qbt.password,
        timeoutMs: 5_000,
      });
      clients.push(right);
      await assert.rejects(right.torrentsInfo(), (error: unknown) => {
        assert.ok(error instanceof QbittorrentUnauthorizedError);
        assert.equal(error.reason, "QbittorrentBanned");
        assert.equal(error.status, 403);
        assert.equal(error.retryAfterMs, 600_000, "waits the full backoff before asking again");
        return true;
      });
      await assert.rejects(right.torrentsInfo(), { reason: "QbittorrentLoginBackoff" });
    });
  });
}
