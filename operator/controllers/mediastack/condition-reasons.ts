// The conditions a MediaStack reports besides Ready, and every reason each can carry, in the
// framework's ReasonTable: status.ts builds conditions from it, the framework posts its transition Events.
import { conditionFrom, type ComputedCondition, type ReasonTable } from "../../framework/reasons.js";

/** The conditions status.ts computes; the framework derives Ready from all of them being True. */
export const mediaStackConditionTypes = ["StorageReady", "AppsReady", "RoutesReady"] as const;
export type MediaStackConditionType = (typeof mediaStackConditionTypes)[number];

/**
 * Wired is reported next to them but is not part of Ready: Ready says the stack runs; a link an app
 * refuses (a key changed by hand, qBittorrent down) is shown by Wired without making the apps unready.
 */
export const wiredConditionType = "Wired";

/**
 * With spec.monitoring.enabled: whether the stack's ServiceMonitor is applied. Not part of Ready either
 * (the DittoServer's ServiceMonitorReady works the same): a cluster without the Prometheus Operator runs the stack.
 */
export const serviceMonitorConditionType = "ServiceMonitorReady";

type ReportedConditionType =
  MediaStackConditionType | typeof wiredConditionType | typeof serviceMonitorConditionType;

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
  Wired: {
    Wired: {
      status: "True",
      event: "Normal",
      meaning: "Every wiring link of the enabled apps is in place as last written (status.wiring.links).",
    },
    WiringDisabled: {
      status: "True",
      event: "Normal",
      meaning: "spec.wiring turns every link off, or no two apps that a link connects are enabled.",
    },
    WaitingForProwlarr: {
      status: "False",
      event: "Normal",
      meaning:
        "Prowlarr's Deployment is not available yet or Prowlarr does not answer; its links wait (the others are wired meanwhile).",
    },
    WaitingForSonarr: {
      status: "False",
      event: "Normal",
      meaning:
        "Sonarr's Deployment is not available yet or Sonarr does not answer; its links wait (the others are wired meanwhile).",
    },
    WaitingForRadarr: {
      status: "False",
      event: "Normal",
      meaning:
        "Radarr's Deployment is not available yet or Radarr does not answer; its links wait (the others are wired meanwhile).",
    },
    WaitingForQbittorrent: {
      status: "False",
      event: "Normal",
      meaning:
        "qBittorrent's Deployment is not available yet or qBittorrent does not answer; its links wait (the others are wired meanwhile).",
    },
    WaitingForJellyfin: {
      status: "False",
      event: "Normal",
      meaning:
        "Jellyfin's Deployment is not available yet or Jellyfin does not answer; its links wait (the others are wired meanwhile).",
    },
    WaitingForBazarr: {
      status: "False",
      event: "Normal",
      meaning:
        "Bazarr's Deployment is not available yet or Bazarr does not answer; its links wait (the others are wired meanwhile).",
    },
    WaitingForTransmission: {
      status: "False",
      event: "Normal",
      meaning:
        "Transmission's Deployment is not available yet or Transmission does not answer; its links wait (the others are wired meanwhile).",
    },
    ProwlarrRejectedApiKey: {
      status: "False",
      event: "Warning",
      meaning:
        "Prowlarr refused the API key from the stack's api-keys Secret (401, or Prowlarr's test says so): the key was changed in the Secret or in Prowlarr; put the key Prowlarr runs with into the Secret (or restart Prowlarr so it takes the Secret's).",
    },
    SonarrRejectedApiKey: {
      status: "False",
      event: "Warning",
      meaning:
        "Sonarr refused the API key from the stack's api-keys Secret (401, or Prowlarr's test says so): the key was changed in the Secret or in Sonarr; put the key Sonarr runs with into the Secret (or restart Sonarr so it takes the Secret's).",
    },
    RadarrRejectedApiKey: {
      status: "False",
      event: "Warning",
      meaning:
        "Radarr refused the API key from the stack's api-keys Secret (401, or Prowlarr's test says so): the key was changed in the Secret or in Radarr; put the key Radarr runs with into the Secret (or restart Radarr so it takes the Secret's).",
    },
    BazarrRejectedApiKey: {
      status: "False",
      event: "Warning",
      meaning:
        "Bazarr refused the API key from the stack's api-keys Secret (401): the key was changed in the Secret or in Bazarr's config.yaml; restart Bazarr so its init container writes the Secret's key again.",
    },
    TransmissionLoginFailed: {
      status: "False",
      event: "Warning",
      meaning:
        "The operator could not log into the stack's Transmission with the generated credentials (401) to set its download directory; restart Transmission so it takes the Secret's USER/PASS.",
    },
    ApplicationTestFailed: {
      status: "False",
      event: "Warning",
      meaning:
        "Prowlarr refused the Sonarr or Radarr application: its save-time test failed; the message has Prowlarr's own words.",
    },
    DownloadClientTestFailed: {
      status: "False",
      event: "Warning",
      meaning:
        "Sonarr or Radarr refused the qBittorrent or Transmission download client: its save-time test (login, category, version) failed; the message has the app's own words.",
    },
    QbittorrentLoginFailed: {
      status: "False",
      event: "Warning",
      meaning:
        "The operator could not log into the stack's qBittorrent with the generated credentials to create the tv and movies categories.",
    },
    RootFolderRefused: {
      status: "False",
      event: "Warning",
      meaning:
        "Sonarr or Radarr refused the root folder (/data/media/tv or /data/media/movies must exist and be writable in the app's pod).",
    },
    JellyfinAdminRefused: {
      status: "False",
      event: "Warning",
      meaning:
        "Jellyfin's wizard is completed but the admin in the api-keys Secret cannot log in: someone finished the wizard first; put that admin's name and password into the Secret.",
    },
    AppRefusedRequest: {
      status: "False",
      event: "Warning",
      meaning:
        "An app refused a wiring request for another reason; the message names the link and the app's answer.",
    },
  },
  ServiceMonitorReady: {
    ServiceMonitorApplied: {
      status: "True",
      meaning:
        "spec.monitoring.enabled: the exporters run beside their apps and the ServiceMonitor <name> scrapes their monitoring ports.",
    },
    NoExporters: {
      status: "True",
      meaning:
        "spec.monitoring.enabled, but none of the enabled apps has an exporter (Sonarr, Radarr, Prowlarr, Bazarr, qBittorrent): no ServiceMonitor.",
    },
    PrometheusOperatorNotInstalled: {
      status: "False",
      event: "Warning",
      meaning:
        "spec.monitoring.enabled but the monitoring.coreos.com ServiceMonitor CRD is absent: the exporters run, no ServiceMonitor is created until the Prometheus Operator is installed. Ready does not depend on it.",
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
} as const satisfies ReasonTable<ReportedConditionType | "Finalizing">;

export type MediaStackConditionReason<T extends ReportedConditionType> = keyof (typeof mediaStackReasons)[T] &
  string;

export type { ComputedCondition };

/** Builds a condition whose status is the one the table gives its reason, so the two cannot disagree. */
export function conditionFor<T extends ReportedConditionType>(
  type: T,
  reason: MediaStackConditionReason<T>,
  message: string,
): ComputedCondition<T> {
  return conditionFrom(mediaStackReasons, type, reason, message);
}
