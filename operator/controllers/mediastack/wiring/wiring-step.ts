// The MediaStack's wiring step: after the children converged, wire the apps (wire-stack.ts), store
// Jellyfin's API key in the api-keys Secret, and write status.wiring, apps[].wired and the Wired condition.
import type { V1Deployment } from "@kubernetes/client-node";
import type { ReconcileContext } from "../../../framework/context.js";
import { builtinResources } from "../../../framework/resource.js";
import type { MediaStack } from "../../../generated/mediastack.js";
import { deploymentReadiness } from "../apps-condition.js";
import { appObjectName } from "../names.js";
import type { QbittorrentCredentials } from "../render/credentials-secret.js";
import { renderApiKeysSecret, type StackApiKeys } from "../render/api-keys-secret.js";
import { stackIdentity } from "../stack-identity.js";
import type { LinkOutcome } from "./link-outcome.js";
import { createHash } from "node:crypto";
import { appCatalog, type AppName } from "../catalog.js";
import { plannedLinks } from "./links.js";
import type { RunSchedule } from "../../../framework/run-schedule.js";
import { wireStack, type WiringOptions, type WiringReport } from "./wire-stack.js";
import { appWired, computeWiredCondition } from "./wired-condition.js";

interface WiringStatus {
  links?: Array<{ name: string; appliedHash?: string }>;
}

export interface WiringStepOptions extends WiringOptions {
  readonly schedule: RunSchedule;
}

/**
 * Runs the wiring when it is due (see RunSchedule) and reports it; between runs the last report
 * stands. Returns when to look again.
 */
export async function runWiringStep(
  ctx: ReconcileContext<MediaStack>,
  apiKeys: StackApiKeys,
  qbittorrentCredentials: QbittorrentCredentials | undefined,
  options: WiringStepOptions,
): Promise<number> {
  const { name, namespace } = stackIdentity(ctx.object);
  const uid = wiringKey(ctx.object);
  const appAvailable = (app: AppName): boolean =>
    deploymentReadiness(
      ctx.cache.get<V1Deployment>(builtinResources.Deployment, namespace, appObjectName(name, app)),
    ).ready;
  const previous = (ctx.status.wiring as WiringStatus | undefined)?.links ?? [];
  const inputs = wiringInputs(ctx.object, apiKeys, qbittorrentCredentials, appAvailable);
  const wait = options.schedule.waitBeforeRun(uid, inputs);
  if (wait !== undefined) {
    // status.apps was just recomputed without `wired`: give it back from the last report.
    reportWiring(ctx, { planned: plannedLinks(ctx.object.spec), links: previous as LinkOutcome[] });
    return wait;
  }
  const report = await wireStack(
    {
      stack: ctx.object,
      apiKeys,
      ...(qbittorrentCredentials ? { qbittorrentCredentials } : {}),
      appAvailable,
      previous,
    },
    options,
  );
  if (report.jellyfinApiKey !== undefined && report.jellyfinApiKey !== apiKeys.jellyfinApiKey) {
    await ctx.children.apply(
      renderApiKeysSecret(ctx.object, { ...apiKeys, jellyfinApiKey: report.jellyfinApiKey }),
    );
  }
  reportWiring(ctx, report);
  // Jellyfin's key is an output of the run: the next reconcile reads it back from the Secret, and
  // that alone is no reason to wire again.
  const keysAfter =
    report.jellyfinApiKey === undefined ? apiKeys : { ...apiKeys, jellyfinApiKey: report.jellyfinApiKey };
  return options.schedule.ran(
    uid,
    wiringInputs(ctx.object, keysAfter, qbittorrentCredentials, appAvailable),
    report.links.every((link) => link.wired),
  );
}

/** The stack's key in the wiring schedule. */
export function wiringKey(stack: MediaStack): string {
  const { name, namespace } = stackIdentity(stack);
  return stack.metadata?.uid ?? `${namespace}/${name}`;
}

/** What a run depends on besides the apps themselves, as a digest (it covers keys and passwords). */
function wiringInputs(
  stack: MediaStack,
  apiKeys: StackApiKeys,
  qbittorrentCredentials: QbittorrentCredentials | undefined,
  appAvailable: (app: AppName) => boolean,
): string {
  const available = (Object.keys(appCatalog) as AppName[]).filter(appAvailable);
  return createHash("sha256")
    .update(JSON.stringify([stack.metadata?.generation, available, apiKeys, qbittorrentCredentials ?? null]))
    .digest("hex");
}

function reportWiring(ctx: ReconcileContext<MediaStack>, report: WiringReport): void {
  ctx.status.wiring = { links: report.links.map((link: LinkOutcome) => ({ ...link })) };
  const apps = (ctx.status.apps ?? []) as Array<{ name: string; wired?: boolean }>;
  ctx.status.apps = apps.map((app) => {
    const { wired: _old, ...rest } = app;
    const wired = appWired(app.name as Parameters<typeof appWired>[0], report.planned, report.links);
    return wired === undefined ? rest : { ...rest, wired };
  });
  ctx.setCondition(computeWiredCondition(report.planned, report.links));
}

/** With wiring off: the condition says so, and no stale link state stays in status. */
export function reportWiringOff(ctx: ReconcileContext<MediaStack>): void {
  reportWiring(ctx, { planned: [], links: [] });
}
