// Registers the MediaStack controller: its resource and finalizer, the child kinds it owns, and the
// other kinds (DittoServers, their file Services, its volume, Torrents) mapped back to stacks.
import type { LoginBackoff } from "../../clients/qbittorrent/login-backoff.js";
import { PollerRegistry } from "../../clients/qbittorrent/poller-registry.js";
import type { ControllerOptions } from "../../framework/controller.js";
import { builtinResources } from "../../framework/resource.js";
import { DittoServerResource } from "../../generated/dittoserver.js";
import { MediaStackResource, type MediaStack } from "../../generated/mediastack.js";
import { TorrentResource } from "../../generated/torrent.js";
import { mediaStackConditionTypes, mediaStackReasons } from "./condition-reasons.js";
import { finalizeMediaStack } from "./finalize-mediastack.js";
import { reconcileMediaStack } from "./reconcile-mediastack.js";
import { RunSchedule } from "../../framework/run-schedule.js";
import { wiringKey } from "./wiring/wiring-step.js";
import {
  deletingStacksOfTorrent,
  stackOfVolume,
  stacksOfDittoServer,
  stacksOfFileService,
} from "./watch-mappings.js";

/** Deletes or keeps the cluster-scoped /data volume, after the stack's Torrents are gone. */
export const mediaStackFinalizer = "mediaplane.io/finalizer";

export interface MediaStackControllerOptions {
  readonly concurrency: number;
  /** Service URL prefix → reachable URL, for an operator outside the cluster (tests, the demo). */
  readonly urlAliases?: ReadonlyMap<string, string>;
  /** Run again this long after every successful run: the drift check of the wiring. Default 600. */
  readonly resyncSeconds?: number;
  /** Per request to an app. Default 5000. */
  readonly wiringRequestTimeoutMs?: number;
  /** Backoff of an unfinished wiring. Default 5 s doubling to 5 min. */
  readonly wiringRetry?: { readonly baseMs: number; readonly capMs: number };
  /**
   * The login backoff of the qBittorrent at a URL, shared with the Torrent controller's pollers (main
   * passes the PollerRegistry's); without it the wiring keeps one per URL of its own across runs.
   */
  readonly qbittorrentLoginBackoff?: (url: string) => LoginBackoff;
}

/** One login backoff per qBittorrent URL, kept across runs: a registry of the wiring's own. */
function ownLoginBackoffs(): (url: string) => LoginBackoff {
  const registry = new PollerRegistry();
  return (url) => registry.loginBackoffFor(url);
}

export function mediaStackController(options: MediaStackControllerOptions): ControllerOptions<MediaStack> {
  const resyncSeconds = options.resyncSeconds ?? 600;
  const schedule = new RunSchedule({
    ...(options.wiringRetry ?? { baseMs: 5_000, capMs: 300_000 }),
    driftCheckMs: resyncSeconds * 1000,
  });
  const wiring = {
    ...(options.urlAliases ? { urlAliases: options.urlAliases } : {}),
    requestTimeoutMs: options.wiringRequestTimeoutMs ?? 5_000,
    qbittorrentLoginBackoff: options.qbittorrentLoginBackoff ?? ownLoginBackoffs(),
    schedule,
  };
  return {
    name: "mediastack",
    resource: MediaStackResource,
    finalizer: mediaStackFinalizer,
    reconcile: (ctx) => reconcileMediaStack(ctx, wiring),
    finalize: async (ctx) => {
      const outcome = await finalizeMediaStack(ctx);
      if (outcome.kind === "done") schedule.forget(wiringKey(ctx.object));
      return outcome;
    },
    // The cluster-scoped PersistentVolume cannot be owned: it is watched below and kept by data-volume.ts.
    children: [
      builtinResources.Secret,
      builtinResources.PersistentVolumeClaim,
      builtinResources.Service,
      builtinResources.Deployment,
      builtinResources.NetworkPolicy,
      builtinResources.Ingress,
      builtinResources.HTTPRoute,
      // spec.monitoring's; an optional CRD: unserved, it is neither written nor pruned (nor fails anything).
      builtinResources.ServiceMonitor,
    ],
    watches: [
      { resource: DittoServerResource, map: stacksOfDittoServer },
      { resource: builtinResources.Service, map: stacksOfFileService },
      { resource: builtinResources.PersistentVolume, map: stackOfVolume },
      { resource: TorrentResource, map: deletingStacksOfTorrent },
    ],
    reasons: mediaStackReasons,
    ready: { positive: [...mediaStackConditionTypes] },
    // Every change of a child, a DittoServer or the volume wakes the stack; this catches a missed event
    // and is the wiring's drift check (the apps' own entries cannot be watched).
    resyncSeconds,
    concurrency: options.concurrency,
    // A stack's first run writes two Secrets and applies about 17 objects: 1.7 s for 50 stacks at once
    // on two busy cores. Reconciling=True is written for runs that outlast this, not for that first
    // apply, which cost a third status write per stack (docs/benchmarks.md, MediaStack).
    progressAfterMs: 5_000,
    // Apps coming up one by one and links getting wired change only messages and status.apps: written
    // at most every 30 s (a new stack's apps take about a minute on a busy cluster), so a new stack
    // takes about two writes (first status, Ready), not one per app. States (status, reason) are never held.
    progressWriteIntervalMs: 30_000,
    // StorageReady's waits name what is missing (a share, a Service): those messages are written at once.
    progressConditionTypes: ["AppsReady", "Wired"],
  };
}
