// The MediaStack's qBittorrent init script against each real qbittorrent-nox (4.5.2, 5.1.x, 5.3.x), run the
// way LinuxServer's image runs it: the config it writes must accept the Secret's password, keep the save
// paths and survive the version's own config migration and a restart with the script run again.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { QbittorrentClient } from "../../../operator/clients/qbittorrent/client.js";
import { hashQbittorrentPassword } from "../../../operator/clients/qbittorrent/password-hash.js";
import { renderQbittorrentConfigInitContainer } from "../../../operator/controllers/mediastack/render/qbittorrent-config-init.js";
import { resolveApp, resolveStackSettings } from "../../../operator/controllers/mediastack/stack-settings.js";
import { freeLoopbackPorts } from "../../cluster/loopback-ports.js";
import { waitFor } from "../../cluster/polling.js";
import { startQbittorrent } from "../../cluster/qbittorrent.js";
import type { QbittorrentInstance } from "../../cluster/qbittorrent.js";
import { targetTitle, testedQbittorrents } from "../../cluster/qbittorrent-targets.js";
import { loadSample } from "../../unit/mediastack/fixtures.js";
import { versionBehaviour } from "./version-behaviour.js";

const stack = loadSample("seed-002-nfs-gateway.yaml");
const username = "mediaplane";

/**
 * The init container's script with the container's absolute paths (/config, /data, /defaults) rooted in
 * `root`: the only change, so that the same text runs outside a pod.
 */
function initScript(root: string): string {
  const container = renderQbittorrentConfigInitContainer(
    "arr",
    resolveApp(stack.spec, "qbittorrent"),
    resolveStackSettings(stack.spec),
  );
  assert.deepEqual(container.command?.slice(0, 2), ["/bin/sh", "-c"]);
  return (container.command?.[2] ?? "")
    .replaceAll("/config/", `${root}/config/`)
    .replaceAll("/data/", `${root}/data/`)
    .replaceAll("/defaults/", `${root}/defaults/`);
}

/** Runs the init container once, with the Secret's values in its environment as the pod would. */
function runInit(root: string, password: string): void {
  execFileSync("/bin/sh", ["-c", initScript(root)], {
    env: {
      PATH: process.env.PATH ?? "",
      QBT_USERNAME: username,
      QBT_PASSWORD_PBKDF2: hashQbittorrentPassword(password),
    },
    encoding: "utf8",
  });
}

/**
 * The image's /defaults/qBittorrent.conf, as LinuxServer ships one (its /downloads/ save path must be
 * replaced by the script), plus what keeps a test server on loopback and off the network.
 */
function writeImageDefaults(root: string, torrentingPort: number): void {
  mkdirSync(join(root, "defaults"), { recursive: true });
  writeFileSync(
    join(root, "defaults", "qBittorrent.conf"),
    [
      "[BitTorrent]",
      "Session\\DHTEnabled=false",
      "Session\\LSDEnabled=false",
      "Session\\PeXEnabled=false",
      `Session\\Port=${torrentingPort}`,
      "Session\\Interface=lo",
      "Session\\InterfaceName=lo",
      "",
      "[Network]",
      "PortForwardingEnabled=false",
      "",
      "[Preferences]",
      "Downloads\\SavePath=/downloads/",
      "Downloads\\TempPath=/downloads/incomplete/",
      "WebUI\\Address=127.0.0.1",
      "WebUI\\UseUPnP=false",
      "",
    ].join("\n"),
  );
}

for (const target of testedQbittorrents()) {
  const webuiSection =
    target.version === undefined ? undefined : versionBehaviour(target.version).webuiSection;
  describe(
    `MediaStack qBittorrent init script with ${targetTitle(target)}`,
    { skip: target.unavailable },
    () => {
      let root: string;
      let configFile: string;
      /** The Secret's password, generated once per stack. */
      const secretPassword = randomBytes(12).toString("base64url");
      const running: QbittorrentInstance[] = [];
      const clients: QbittorrentClient[] = [];

      /** qbittorrent-nox on the script's config; resolves once it accepts `password` (the readiness probe). */
      const start = async (
        password: string,
        readyTimeoutMs?: number,
      ): Promise<{ qbt: QbittorrentInstance; client: QbittorrentClient }> => {
        const qbt = await startQbittorrent({
          readyTimeoutMs,
          target,
          username,
          password,
          linuxServerLayout: { root, configHome: join(root, "config") },
        });
        running.push(qbt);
        const client = new QbittorrentClient({ url: qbt.url, username, password, timeoutMs: 5_000 });
        clients.push(client);
        return { qbt, client };
      };

      before(async () => {
        root = mkdtempSync(join(tmpdir(), "mediaplane-stack-qbittorrent-"));
        configFile = join(root, "config", "qBittorrent", "qBittorrent.conf");
        const [torrentingPort] = (await freeLoopbackPorts(1)) as [number];
        writeImageDefaults(root, torrentingPort);
      });

      after(async () => {
        for (const client of clients) client.close();
        for (const qbt of running) await qbt.stop();
        rmSync(root, { recursive: true, force: true });
      });

      it("a fresh config accepts the Secret's password without --confirm-legal-notice and saves under /data/torrents/", async () => {
        runInit(root, secretPassword);
        const { qbt, client } = await start(secretPassword);
        const savePath = `${root}/data/torrents/`;
        const hash = "5e".repeat(20);
        await client.addTorrents({ urls: [`magnet:?xt=urn:btih:${hash}&dn=stack`] });
        const torrent = await waitFor(async () => (await client.torrentsInfo([hash]))[0], {
          what: "the added torrent",
          timeoutMs: 10_000,
        });
        assert.equal(
          torrent.save_path.replace(/\/?$/, "/"),
          savePath,
          "the default save path is the script's",
        );
        await qbt.stop();
        running.pop();
      });

      it("after the version's own migration, a restart with the script run again keeps the save path and the password", async () => {
        const migrated = readFileSync(configFile, "utf8");
        assert.equal(
          /^\[WebUI\]$/m.test(migrated),
          webuiSection === "WebUI",
          "5.3 moves the WebUI settings into their own section; older versions keep them in [Preferences]",
        );
        const { qbt, client } = await restartWith(secretPassword);
        const hash = "6f".repeat(20);
        await client.addTorrents({ urls: [`magnet:?xt=urn:btih:${hash}`] });
        const torrent = await waitFor(async () => (await client.torrentsInfo([hash]))[0], {
          what: "the torrent added after the restart",
          timeoutMs: 10_000,
        });
        assert.equal(torrent.save_path.replace(/\/?$/, "/"), `${root}/data/torrents/`);
        assert.equal((await client.torrentsInfo(["5e".repeat(20)])).length, 1, "the first torrent survived");
        await qbt.stop();
        running.pop();
      });

      it("a password changed behind the operator's back is put back: the Secret's new one works after the restart", async () => {
        const rotated = randomBytes(12).toString("base64url");
        const { qbt } = await restartWith(rotated);
        await qbt.stop();
        running.pop();
      });

      /** The pod's next start: the init script with the Secret's `password`, then qbittorrent-nox. */
      const restartWith = async (
        password: string,
      ): Promise<{ qbt: QbittorrentInstance; client: QbittorrentClient }> => {
        const migrated = readFileSync(configFile, "utf8");
        runInit(root, password);
        try {
          return await start(password, 15_000);
        } catch (error) {
          const shown = migrated.replace(/Password_PBKDF2=.*/g, "Password_PBKDF2=<redacted>");
          throw new Error(
            `qBittorrent ${target.version ?? "?"} refused the Secret's password after the script ran again on its migrated config:\n${shown}`,
            { cause: error },
          );
        }
      };
    },
  );
}
