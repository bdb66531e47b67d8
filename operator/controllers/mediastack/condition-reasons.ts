// The conditions a MediaStack reports besides Ready, and every reason each can carry, as one
// documented table: status.ts uses it, docs/mediastack.md prints it, a test keeps the two in step.

/** The conditions status.ts computes; the framework derives Ready from all of them being True. */
export const mediaStackConditionTypes = ["StorageReady", "AppsReady", "RoutesReady"] as const;
export type MediaStackConditionType = (typeof mediaStackConditionTypes)[number];

export type ConditionStatus = "True" | "False" | "Unknown";

interface ReasonEntry {
  readonly status: ConditionStatus;
  readonly meaning: string;
}

export const mediaStackConditionReasons = {
  StorageReady: {
    ClaimBound: {
      status: "True",
      meaning: "The /data claim is Bound (to the stack's own volume for nfs and dittoServerRef).",
    },
    ClaimNotFound: {
      status: "False",
      meaning:
        "The /data claim does not exist: not created yet, or storage.data.existingClaim names a claim that is not there.",
    },
    ClaimPending: { status: "False", meaning: "The /data claim exists but is not bound yet." },
    ClaimLost: {
      status: "False",
      meaning: "The /data claim lost its volume (phase Lost); the apps cannot mount /data.",
    },
    VolumeReleased: {
      status: "False",
      meaning:
        "The stack's volume still holds a deleted claim's binding (Retain); the next apply frees it for the new claim.",
    },
    VolumeFailed: { status: "False", meaning: "The stack's volume is in phase Failed; see its events." },
    DittoServerNotFound: {
      status: "False",
      meaning: "storage.data.dittoServerRef names a DittoServer that does not exist.",
    },
    WaitingForDittoServer: {
      status: "False",
      meaning:
        "The DittoServer is not Ready (or its file Service has no ClusterIP yet); the stack waits for it, and goes back to waiting if it becomes unready later.",
    },
  },
  AppsReady: {
    AppsAvailable: {
      status: "True",
      meaning: "Every enabled app's Deployment is available with the current spec.",
    },
    AppsNotReady: {
      status: "False",
      meaning:
        "Some apps are not available yet; the message names them and why (not created, rolling out, n/1 ready).",
    },
    RolloutStalled: {
      status: "False",
      meaning:
        "A Deployment exceeded its progress deadline (image pull, crash loop, unschedulable); see the app's pods.",
    },
  },
  RoutesReady: {
    RoutesAccepted: {
      status: "True",
      meaning:
        "Every HTTPRoute is Accepted with ResolvedRefs by every parent Gateway, for its current generation.",
    },
    IngressesCreated: {
      status: "True",
      meaning: "Every Ingress exists (Ingress has no acceptance status to wait for).",
    },
    RoutingDisabled: {
      status: "True",
      meaning: "Neither gateway nor ingress is set: the apps are reached through their Services.",
    },
    GatewayApiNotInstalled: {
      status: "False",
      meaning:
        "spec.gateway is set but the API server does not serve gateway.networking.k8s.io/v1 HTTPRoute: install the Gateway API CRDs or use spec.ingress.",
    },
    RoutesPending: {
      status: "False",
      meaning:
        "A route does not exist yet, or a parent has not reported on its current generation (no gateway controller yet?).",
    },
    RouteNotAccepted: {
      status: "False",
      meaning: "A parent Gateway reports Accepted=False for a route; the message has its reason.",
    },
    RouteRefsUnresolved: {
      status: "False",
      meaning:
        "A parent Gateway reports ResolvedRefs=False for a route (backend Service or port not found, not permitted).",
    },
  },
} as const satisfies Record<MediaStackConditionType, Record<string, ReasonEntry>>;

export type MediaStackConditionReason<T extends MediaStackConditionType> =
  keyof (typeof mediaStackConditionReasons)[T];

/** A condition without time or generation: the framework adds lastTransitionTime and observedGeneration. */
export interface ComputedCondition<T extends MediaStackConditionType = MediaStackConditionType> {
  readonly type: T;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/** Builds a condition whose status is the one the table gives its reason, so the two cannot disagree. */
export function conditionFor<T extends MediaStackConditionType>(
  type: T,
  reason: MediaStackConditionReason<T> & string,
  message: string,
): ComputedCondition<T> {
  const entry = (mediaStackConditionReasons[type] as Record<string, ReasonEntry>)[reason];
  if (!entry) throw new Error(`unknown ${type} reason ${reason}`);
  return { type, status: entry.status, reason, message };
}
