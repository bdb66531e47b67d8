// The init container that writes the stack's generated WebUI credentials into qBittorrent.conf, so
// Torrents (and people) can log in with the Secret's password and no hand setup in the WebUI.
import type { V1Container } from "@kubernetes/client-node";
import { appCatalog } from "../catalog.js";
import { initContainerNames, qbittorrentCredentialsSecretName, volumeNames } from "../names.js";
import type { ResolvedApp, StackSettings } from "../stack-settings.js";
import { qbittorrentCredentialKeys } from "./credentials-secret.js";
import { renderNonRootSecurityContext } from "./security-contexts.js";

/** Where LinuxServer's image keeps the file (XDG_CONFIG_HOME=/config). */
export const qbittorrentConfigFile = "/config/qBittorrent/qBittorrent.conf";
export const qbittorrentSavePath = "/data/torrents/";

/**
 * Decisions:
 * - The credential lines (WebUI\Username, WebUI\Password_PBKDF2), the legal notice, the WebUI port
 *   and host header validation are written on EVERY start: the Secret is the source of truth, so a
 *   password changed in the WebUI is put back on the next restart and the operator never locks
 *   itself out. Host header validation is off because in-cluster clients reach qBittorrent by many
 *   names (Service, FQDN, route host); the Service port equals the WebUI port anyway.
 * - The save paths are written only when the file does not exist yet (seeded from LinuxServer's
 *   /defaults/qBittorrent.conf when the image has it), so a path later changed in the WebUI stays.
 *   Both the 4.4+ keys ([BitTorrent] Session\...) and the older [Preferences] Downloads\... keys are
 *   set, so every qBittorrent from 4.1 to 5.2 (and its settings migration) agrees.
 * - The hash and user name come from the Secret through the environment, are handed to awk through
 *   ENVIRON (never on a command line), and the file is written with umask 077.
 * Runs as PUID:PGID (the pod's fsGroup makes a fresh config volume writable), before LinuxServer's
 * own init, which keeps an existing file and only chowns /config.
 */
export function renderQbittorrentConfigInitContainer(
  stack: string,
  app: ResolvedApp,
  settings: StackSettings,
): V1Container {
  const secretName = qbittorrentCredentialsSecretName(stack);
  const script = [
    "set -eu",
    "umask 077",
    `conf=${qbittorrentConfigFile}`,
    'mkdir -p "$(dirname "$conf")"',
    "ini_set() {",
    '  INI_SECTION="$1" INI_KEY="$2" INI_VALUE="$3" awk \'',
    '    BEGIN { header = "[" ENVIRON["INI_SECTION"] "]"; key = ENVIRON["INI_KEY"] "="; line = key ENVIRON["INI_VALUE"] }',
    "    /^[ \\t\\r]*$/ { blanks++; next }",
    "    /^\\[/ { if (inside && !done) { print line; done = 1 } inside = ($0 == header); if (inside) seen = 1 }",
    '    { for (; blanks > 0; blanks--) print "" }',
    "    inside && index($0, key) == 1 { if (!done) print line; done = 1; next }",
    "    { print; printed = 1 }",
    '    END { if (!seen) { if (printed) print ""; print header } if (!done) print line }',
    '  \' "$conf" > "$conf.tmp"',
    '  mv "$conf.tmp" "$conf"',
    "}",
    'if [ ! -f "$conf" ]; then',
    '  if [ -f /defaults/qBittorrent.conf ]; then cp /defaults/qBittorrent.conf "$conf"; else : > "$conf"; fi',
    `  ini_set BitTorrent 'Session\\DefaultSavePath' ${qbittorrentSavePath}`,
    `  ini_set BitTorrent 'Session\\TempPath' ${qbittorrentSavePath}incomplete/`,
    `  ini_set Preferences 'Downloads\\SavePath' ${qbittorrentSavePath}`,
    `  ini_set Preferences 'Downloads\\TempPath' ${qbittorrentSavePath}incomplete/`,
    '  echo "seeded $conf"',
    "fi",
    'hash="$QBT_PASSWORD_PBKDF2"',
    'case "$hash" in "@ByteArray("*) ;; *) hash="@ByteArray($hash)" ;; esac',
    "ini_set LegalNotice Accepted true",
    `ini_set Preferences 'WebUI\\Port' ${appCatalog.qbittorrent.port}`,
    "ini_set Preferences 'WebUI\\HostHeaderValidation' false",
    "ini_set Preferences 'WebUI\\Username' \"$QBT_USERNAME\"",
    'ini_set Preferences \'WebUI\\Password_PBKDF2\' "\\"$hash\\""',
    // qBittorrent 5.3+ migrates the WebUI settings into their own [WebUI] section and reads them only there.
    "if grep -q '^\\[WebUI\\]' \"$conf\"; then",
    `  ini_set WebUI Port ${appCatalog.qbittorrent.port}`,
    "  ini_set WebUI HostHeaderValidation false",
    '  ini_set WebUI Username "$QBT_USERNAME"',
    '  ini_set WebUI Password_PBKDF2 "\\"$hash\\""',
    "fi",
    'echo "WebUI credentials written to $conf"',
  ].join("\n");
  return {
    name: initContainerNames.qbittorrentConfig,
    image: app.image,
    imagePullPolicy: settings.imagePullPolicy,
    command: ["/bin/sh", "-c", script],
    env: [
      {
        name: "QBT_USERNAME",
        valueFrom: { secretKeyRef: { name: secretName, key: qbittorrentCredentialKeys.username } },
      },
      {
        name: "QBT_PASSWORD_PBKDF2",
        valueFrom: { secretKeyRef: { name: secretName, key: qbittorrentCredentialKeys.passwordPbkdf2 } },
      },
    ],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    securityContext: renderNonRootSecurityContext(settings),
    volumeMounts: [{ name: volumeNames.config, mountPath: app.catalog.configMountPath }],
  };
}
