// The init container that writes the stack's generated API key into Bazarr's config.yaml, so the wiring
// (and people) reach Bazarr's API with the Secret's key: Bazarr has no environment preset for it.
import type { V1Container } from "@kubernetes/client-node";
import { apiKeysSecretName, initContainerNames, volumeNames } from "../names.js";
import type { ResolvedApp, StackSettings } from "../stack-settings.js";
import { apiKeySecretKeys } from "./api-keys-secret.js";
import { renderNonRootSecurityContext } from "./security-contexts.js";

/**
 * Bazarr reads `auth.apikey` from `<config dir>/config/config.yaml` (bazarr/app/config.py:
 * `config_yaml_file = os.path.join(args.config_dir, 'config', 'config.yaml')`; LinuxServer's image runs
 * it with `--config /config`) and only generates one when the key is missing (`Validator('auth.apikey',
 * must_exist=True, default=hexlify(os.urandom(16)))`), so a key written before it starts is kept.
 */
export const bazarrConfigFile = "/config/config/config.yaml";

/**
 * Decisions:
 * - Written on EVERY start, like qBittorrent's credentials: the Secret is the source of truth, so a key
 *   regenerated in Bazarr's UI is put back on the next restart.
 * - Only the `apikey:` line of the top-level `auth:` section is touched (added when missing, the
 *   section too); everything else in the file is Bazarr's. The key is single-quoted so YAML reads it
 *   as a string even if it were all digits.
 * - The key comes from the Secret through the environment and reaches awk through ENVIRON (never on a
 *   command line); the file is written with umask 077, as PUID:PGID, before Bazarr's own init.
 */
export function renderBazarrConfigInitContainer(
  stack: string,
  app: ResolvedApp,
  settings: StackSettings,
): V1Container {
  const script = [
    "set -eu",
    "umask 077",
    `conf=${bazarrConfigFile}`,
    'mkdir -p "$(dirname "$conf")"',
    '[ -f "$conf" ] || : > "$conf"',
    "awk '",
    `  BEGIN { line = "  apikey: \\047" ENVIRON["BAZARR_API_KEY"] "\\047" }`,
    "  /^[^ \\t#]/ { if (inside && !done) { print line; done = 1 } inside = ($0 ~ /^auth:[ \\t]*$/); if (inside) seen = 1 }",
    "  inside && /^[ \\t]+apikey:/ { if (!done) print line; done = 1; next }",
    "  { print }",
    '  END { if (!seen) { print "auth:"; print line } else if (!done) print line }',
    '\' "$conf" > "$conf.tmp"',
    'mv "$conf.tmp" "$conf"',
    'echo "API key written to $conf"',
  ].join("\n");
  return {
    name: initContainerNames.bazarrConfig,
    image: app.image,
    imagePullPolicy: settings.imagePullPolicy,
    command: ["/bin/sh", "-c", script],
    env: [
      {
        name: "BAZARR_API_KEY",
        valueFrom: { secretKeyRef: { name: apiKeysSecretName(stack), key: apiKeySecretKeys.bazarr } },
      },
    ],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    securityContext: renderNonRootSecurityContext(settings),
    volumeMounts: [{ name: volumeNames.config, mountPath: app.catalog.configMountPath }],
  };
}
