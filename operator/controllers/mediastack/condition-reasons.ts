// The conditions a MediaStack reports besides Ready, and every reason each can carry, in the
// framework's ReasonTable: status.ts builds conditions from it, the framework posts its transition Events.
import { conditionFrom, type ComputedCondition, type ReasonTable } from "../../framework/reasons.js";

/** The conditions status.ts computes; the framework derives Ready from all of them being True. */
export const mediaStackConditionTypes = ["StorageReady", "AppsReady", "RoutesReady"] as const;
export type MediaStackConditionType = (typeof mediaStackConditionTypes)[number];

export const mediaStackReasons = {
  StorageReady: {
    ClaimBound: {
      status: "True",
      event: "Normal",
      meaning: "The /data claim is Bound (to the stack's own volume for nfs and dittoServerRef).",
    },
    ClaimNotFound: {
      status: "False",
      event: "Normal",
      meaning:
        "The /data claim does not exist: not created yet, or storage.data.existingClaim names a claim that is not there.",
    },
    ClaimPending: {
      status: "False",
      event: "Normal",
      meaning: "The /data claim exists but is not bound yet.",
    },
    ClaimLost: {
      status: "False",
      event: "Warning",
      meaning: "The /data claim lost its volume (phase Lost); the apps cannot mount /data.",
    },
    VolumeReleased: {
      status: "False",
      event: "Normal",
      meaning:
        "The stack's volume still holds a deleted claim's binding (Retain); the next apply frees it for the new claim.",
    },
    VolumeFailed: {
      status: "False",
      event: "Warning",
      meaning: "The stack's volume is in phase Failed; see its events.",
    },
    DittoServerNotFound: {
      status: "False",
      event: "Warning",
      meaning: "storage.data.dittoServerRef names a DittoServer that does not exist.",
    },
    WaitingForDittoServer: {
      status: "False",
      event: "Normal",
      meaning:
        "The DittoServer is not Ready (or its file Service has no ClusterIP yet); the stack waits for it, and goes back to waiting if it becomes unready later.",
    },
  },
  AppsReady: {
    AppsAvailable: {
      status: "True",
      event: "Normal",
      meaning: "Every enabled app's Deployment is available with the current spec.",
    },
    AppsNotReady: {
      status: "False",
      event: "Normal",
      meaning:
        "Some apps are not available yet; the message names them and why (not created, rolling out, n/1 ready).",
    },
    RolloutStalled: {
      status: "False",
      event: "Warning",
      meaning:
        "A Deployment exceeded its progress deadline (image pull, crash loop, unschedulable); see the app's pods.",
    },
  },
  RoutesReady: {
    RoutesAccepted: {
      status: "True",
      event: "Normal",
      meaning:
        "Every HTTPRoute is Accepted with ResolvedRefs by every parent Gateway, for its current generation.",
    },
    IngressesCreated: {
      status: "True",
      event: "Normal",
      meaning: "Every Ingress exists (Ingress has no acceptance status to wait for).",
    },
    RoutingDisabled: {
      status: "True",
      event: "Normal",
      meaning: "Neither gateway nor ingress is set: the apps are reached through their Services.",
    },
    GatewayApiNotInstalled: {
      status: "False",
      event: "Warning",
      meaning:
        "spec.gateway is set but the API server does not serve gateway.networking.k8s.io/v1 HTTPRoute: install the Gateway API CRDs or use spec.ingress.",
    },
    RoutesPending: {
      status: "False",
      event: "Normal",
      meaning:
        "A route does not exist yet, or a parent has not reported on its current generation (no gateway controller yet?).",
    },
    RouteNotAccepted: {
      status: "False",
      event: "Warning",
      meaning: "A parent Gateway reports Accepted=False for a route; the message has its reason.",
    },
    RouteRefsUnresolved: {
      status: "False",
      event: "Warning",
      meaning:
        "A parent Gateway reports ResolvedRefs=False for a route (backend Service or port not found, not permitted).",
    },
  },
  Finalizing: {
    WaitingForTorrents: {
      status: "True",
      event: "Normal",
      meaning:
        "The stack was deleted; it waits (up to 5 minutes) for its Torrents to remove their torrents before its qBittorrent goes.",
    },
  },
} as const satisfies ReasonTable<MediaStackConditionType | "Finalizing">;

export type MediaStackConditionReason<T extends MediaStackConditionType> =
  keyof (typeof mediaStackReasons)[T] & string;

export type { ComputedCondition };

/** Builds a condition whose status is the one the table gives its reason, so the two cannot disagree. */
export function conditionFor<T extends MediaStackConditionType>(
  type: T,
  reason: MediaStackConditionReason<T>,
  message: string,
): ComputedCondition<T> {
  return conditionFrom(mediaStackReasons, type, reason, message);
}
