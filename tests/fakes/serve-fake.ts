// The entry point of the arr-fakes test image: one app fake as a pod's process, on 0.0.0.0 at the app's
// catalog port, with the key the MediaStack renders into the real app's environment (SONARR__AUTH__APIKEY).
import { pathToFileURL } from "node:url";
import { appCatalog } from "../../operator/controllers/mediastack/catalog.js";
import type { RunningFake } from "./fake-http.js";
import { startJellyfinFake } from "./jellyfin-fake.js";
import { startProwlarrFake } from "./prowlarr-fake.js";
import { startArrFake } from "./sonarr-radarr-fake.js";

export const servableFakes = ["sonarr", "radarr", "prowlarr", "jellyfin"] as const;
export type ServableFake = (typeof servableFakes)[number];

/**
 * FAKE_APP names the app; without it, the variables only that app's pod gets decide (the preset key,
 * Jellyfin's cache directory), so the stack's own rendering is enough to tell the pods apart.
 */
export function fakeAppFromEnv(env: NodeJS.ProcessEnv): ServableFake {
  const named = env["FAKE_APP"];
  if (named !== undefined && named !== "") {
    const app = servableFakes.find((candidate) => candidate === named);
    if (app === undefined) throw new Error(`FAKE_APP=${named}: expected one of ${servableFakes.join(", ")}`);
    return app;
  }
  const preset = servableFakes.filter((app) => env[`${app.toUpperCase()}__AUTH__APIKEY`] !== undefined);
  if (preset.length === 1 && preset[0] !== undefined) return preset[0];
  if (preset.length === 0 && env["JELLYFIN_CACHE_DIR"] !== undefined) return "jellyfin";
  throw new Error("set FAKE_APP: the environment does not name one app");
}

/** The key the real app would run with; read once, as the app reads it at start. */
function presetKey(env: NodeJS.ProcessEnv, app: "sonarr" | "radarr" | "prowlarr"): () => string {
  const name = `${app.toUpperCase()}__AUTH__APIKEY`;
  const key = env[name];
  if (key === undefined || key === "") throw new Error(`${name} is not set`);
  return () => key;
}

export async function serveFake(env: NodeJS.ProcessEnv): Promise<{ app: ServableFake; fake: RunningFake }> {
  const app = fakeAppFromEnv(env);
  const listen = { host: "0.0.0.0", port: appCatalog[app].port };
  // In the cluster the Service URLs resolve by DNS: no aliases.
  const network = { aliases: new Map<string, string>() };
  const dataRoot = "/data";
  const fake =
    app === "jellyfin"
      ? await startJellyfinFake({ dataRoot, listen })
      : app === "prowlarr"
        ? await startProwlarrFake({ apiKey: presetKey(env, app), network, listen })
        : await startArrFake({ app, apiKey: presetKey(env, app), network, dataRoot, listen });
  return { app, fake };
}

async function main(): Promise<void> {
  const { app, fake } = await serveFake(process.env);
  process.stdout.write(`fake ${app} listening on ${fake.url}\n`);
  // As PID 1, node ignores SIGTERM unless it handles it: stop at once, as the kubelet asks.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void fake.stop().finally(() => process.exit(0));
    });
  }
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  main().catch((error: unknown) => {
    process.stderr.write(`serve-fake: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
