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
import type { WiringRetryBackoff } from "./retry-backoff.js";
import { wireStack, type WiringOptions, type WiringReport } from "./wire-stack.js";
import { appWired, computeWiredCondition } from "./wired-condition.js";

interface WiringStatus {
  links?: Array<{ name: string; appliedHash?: string }>;
}

export interface WiringStepOptions extends WiringOptions {
  readonly backoff: WiringRetryBackoff;
}

/** Runs the wiring and reports it; returns when to run again (undefined: everything is wired). */
export async function runWiringStep(
  ctx: ReconcileContext<MediaStack>,
  apiKeys: StackApiKeys,
  qbittorrentCredentials: QbittorrentCredentials | undefined,
  options: WiringStepOptions,
): Promise<number | undefined> {
  const { name, namespace } = stackIdentity(ctx.object);
  const report = await wireStack(
    {
      stack: ctx.object,
      apiKeys,
      ...(qbittorrentCredentials ? { qbittorrentCredentials } : {}),
      appAvailable: (app) =>
        deploymentReadiness(
          ctx.cache.get<V1Deployment>(builtinResources.Deployment, namespace, appObjectName(name, app)),
        ).ready,
      previous: (ctx.status.wiring as WiringStatus | undefined)?.links ?? [],
    },
    options,
  );
  if (report.jellyfinApiKey !== undefined && report.jellyfinApiKey !== apiKeys.jellyfinApiKey) {
    await ctx.children.apply(
      renderApiKeysSecret(ctx.object, { ...apiKeys, jellyfinApiKey: report.jellyfinApiKey }),
    );
  }
  reportWiring(ctx, report);
  const allWired = report.links.every((link) => link.wired);
  return options.backoff.next(ctx.object.metadata?.uid ?? `${namespace}/${name}`, allWired);
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
