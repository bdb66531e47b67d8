// The Wired condition and each app's `wired` from the links' outcomes: a failure (a Warning reason)
// names the condition before a wait, and the message lists every link that is not in place.
import { appCatalog, type AppName } from "../catalog.js";
import { conditionFor, mediaStackReasons, type ComputedCondition } from "../condition-reasons.js";
import type { LinkOutcome } from "./link-outcome.js";
import type { WiringLink } from "./links.js";

export function computeWiredCondition(
  planned: readonly WiringLink[],
  links: readonly LinkOutcome[],
): ComputedCondition<"Wired"> {
  if (planned.length === 0) {
    return conditionFor(
      "Wired",
      "WiringDisabled",
      "no wiring link applies: spec.wiring turns them off, or their apps are disabled",
    );
  }
  const open = links.filter((link) => !link.wired);
  // Which downloader Sonarr and Radarr get, so the condition says it without reading the spec.
  const downloader = planned.find((link) => link.downloader !== undefined)?.downloader;
  const via = downloader === undefined ? "" : `; download client: ${appCatalog[downloader].displayName}`;
  if (open.length === 0)
    return conditionFor("Wired", "Wired", `${links.length}/${planned.length} links wired${via}`);
  const failing = open.find((link) => mediaStackReasons.Wired[link.reason].event === "Warning") ?? open[0];
  const details = open.map((link) => `${link.name} (${link.reason}: ${link.message})`).join("; ");
  return conditionFor(
    "Wired",
    failing.reason,
    `${links.length - open.length}/${planned.length} links wired${via}; not wired: ${details}`.slice(0, 4096),
  );
}

/** true/false for apps that take part in a planned link, absent for the others. */
export function appWired(
  app: AppName,
  planned: readonly WiringLink[],
  links: readonly LinkOutcome[],
): boolean | undefined {
  const names = new Set(planned.filter((link) => link.apps.includes(app)).map((link) => link.name));
  if (names.size === 0) return undefined;
  return links.filter((link) => names.has(link.name)).every((link) => link.wired);
}
