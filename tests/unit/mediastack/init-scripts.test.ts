// Runs the init containers' shell scripts for real (dash and mawk here, BusyBox or bash in the
// images), against temporary directories standing in for /data and /config.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { resolveApp, resolveStackSettings } from "../../../operator/controllers/mediastack/stack-settings.js";
import { renderDataLayoutInitContainer } from "../../../operator/controllers/mediastack/render/data-layout-init.js";
import { renderQbittorrentConfigInitContainer } from "../../../operator/controllers/mediastack/render/qbittorrent-config-init.js";
import { renderBazarrConfigInitContainer } from "../../../operator/controllers/mediastack/render/bazarr-config-init.js";
import { parse as parseYaml } from "yaml";
import { loadSample } from "./fixtures.js";

const stack = loadSample("seed-002-nfs-gateway.yaml");
const settings = resolveStackSettings(stack.spec);

function script(command: string[] | undefined): string {
  assert.deepEqual(command?.slice(0, 2), ["/bin/sh", "-c"]);
  return command?.[2] ?? "";
}

const tempDirs: string[] = [];
/** A temp dir removed after the file's tests, so runs leave nothing in /tmp. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(prefix);
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function run(body: string, env: Record<string, string> = {}): string {
  return execFileSync("/bin/sh", ["-c", body], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });
}

test("the data layout script creates the hardlink layout once and leaves existing directories alone", () => {
  const root = tempDir(join(tmpdir(), "mediaplane-data-"));
  const body = script(
    renderDataLayoutInitContainer(resolveApp(stack.spec, "sonarr"), settings).command,
  ).replaceAll("/data", root);
  mkdirSync(join(root, "media"));
  chmodSync(join(root, "media"), 0o750);
  writeFileSync(join(root, "media", "existing.mkv"), "movie");

  const first = run(body);
  for (const dir of [
    "torrents/movies",
    "torrents/tv",
    "torrents/music",
    "media/movies",
    "media/tv",
    "media/music",
  ]) {
    assert.ok(statSync(join(root, dir)).isDirectory(), dir);
  }
  assert.ok(!first.includes(`created ${root}/media\n`), "an existing directory is not created again");
  assert.equal(statSync(join(root, "media")).mode & 0o777, 0o750, "an existing directory keeps its mode");
  assert.equal(readFileSync(join(root, "media", "existing.mkv"), "utf8"), "movie");
  assert.equal(run(body), "", "a second run does nothing");
});

const conf = (root: string): string => join(root, "qBittorrent", "qBittorrent.conf");

function qbittorrentScript(root: string, defaults: string): string {
  const container = renderQbittorrentConfigInitContainer(
    "arr",
    resolveApp(stack.spec, "qbittorrent"),
    settings,
  );
  return script(container.command)
    .replaceAll("/config/", `${root}/`)
    .replaceAll("/defaults/", `${defaults}/`);
}

test("the qBittorrent script seeds a fresh config from the image's defaults with the credentials and save paths", () => {
  const root = tempDir(join(tmpdir(), "mediaplane-config-"));
  const defaults = tempDir(join(tmpdir(), "mediaplane-defaults-"));
  writeFileSync(
    join(defaults, "qBittorrent.conf"),
    "[LegalNotice]\nAccepted=true\n\n[Preferences]\nDownloads\\SavePath=/downloads/\nWebUI\\Address=*\nWebUI\\ServerDomains=*\n",
  );
  run(qbittorrentScript(root, defaults), {
    QBT_USERNAME: "mediaplane",
    QBT_PASSWORD_PBKDF2: "c2FsdA==:a2V5",
  });
  const text = readFileSync(conf(root), "utf8");
  assert.equal(statSync(conf(root)).mode & 0o777, 0o600);
  for (const line of [
    "[LegalNotice]\nAccepted=true",
    "Downloads\\SavePath=/data/torrents/",
    "WebUI\\Address=*",
    "WebUI\\Username=mediaplane",
    'WebUI\\Password_PBKDF2="@ByteArray(c2FsdA==:a2V5)"',
    "WebUI\\HostHeaderValidation=false",
    "WebUI\\Port=8080",
    "[BitTorrent]\nSession\\DefaultSavePath=/data/torrents/\nSession\\TempPath=/data/torrents/incomplete/",
  ]) {
    assert.ok(text.includes(line), `missing ${JSON.stringify(line)} in\n${text}`);
  }
  assert.ok(!text.includes("/downloads/"), text);
  assert.equal(text.match(/^\[Preferences\]$/gm)?.length, 1);
});

test("on later starts only the credential lines are rewritten; the user's other settings stay", () => {
  const root = tempDir(join(tmpdir(), "mediaplane-config-"));
  mkdirSync(join(root, "qBittorrent"));
  writeFileSync(
    conf(root),
    [
      "[BitTorrent]",
      "Session\\DefaultSavePath=/data/torrents/custom/",
      "",
      "[Preferences]",
      "WebUI\\Username=admin",
      'WebUI\\Password_PBKDF2="@ByteArray(old:old)"',
      "WebUI\\Locale=fr",
      "",
      "[Meta]",
      "MigrationVersion=8",
      "",
    ].join("\n"),
  );
  const env = { QBT_USERNAME: "mediaplane", QBT_PASSWORD_PBKDF2: "@ByteArray(bmV3:bmV3)" };
  run(qbittorrentScript(root, "/nonexistent"), env);
  const once = readFileSync(conf(root), "utf8");
  assert.ok(once.includes("Session\\DefaultSavePath=/data/torrents/custom/"));
  assert.ok(once.includes("WebUI\\Locale=fr"));
  assert.ok(once.includes('WebUI\\Password_PBKDF2="@ByteArray(bmV3:bmV3)"'));
  assert.ok(!once.includes("old:old") && !once.includes("Username=admin"));
  assert.ok(once.includes("[Meta]\nMigrationVersion=8"));
  assert.ok(once.includes("[LegalNotice]\nAccepted=true"));
  run(qbittorrentScript(root, "/nonexistent"), env);
  assert.equal(readFileSync(conf(root), "utf8"), once, "idempotent");
});

test("the Bazarr script presets auth.apikey in config.yaml: a fresh file, a replaced key, a missing key, the rest kept", () => {
  const root = tempDir(join(tmpdir(), "mediaplane-bazarr-"));
  const container = renderBazarrConfigInitContainer(
    "arr",
    resolveApp({ ...stack.spec, apps: { ...stack.spec.apps, bazarr: { enabled: true } } }, "bazarr"),
    settings,
  );
  assert.equal(container.env?.[0]?.valueFrom?.secretKeyRef?.key, "bazarr-api-key");
  const body = script(container.command).replaceAll("/config/", `${root}/`);
  const file = join(root, "config", "config.yaml");
  const key = "0123456789";
  const read = (): Record<string, Record<string, unknown>> =>
    parseYaml(readFileSync(file, "utf8")) as Record<string, Record<string, unknown>>;

  run(body, { BAZARR_API_KEY: key });
  assert.deepEqual(read(), { auth: { apikey: key } }, "quoted: an all-digit key stays a string");

  writeFileSync(
    file,
    "general:\n  ip: 0.0.0.0\n  port: 6767\nauth:\n  apikey: bazarrs-own\n  type: null\nsonarr:\n  apikey: sonarr-key\n",
  );
  run(body, { BAZARR_API_KEY: key });
  assert.deepEqual(read(), {
    general: { ip: "0.0.0.0", port: 6767 },
    auth: { apikey: key, type: null },
    sonarr: { apikey: "sonarr-key" },
  });

  writeFileSync(file, "auth:\n  type: form\nradarr:\n  port: 7878\n");
  run(body, { BAZARR_API_KEY: key });
  assert.deepEqual(read(), { auth: { type: "form", apikey: key }, radarr: { port: 7878 } });
  assert.equal(statSync(file).mode & 0o077, 0, "written with umask 077");
});
