// Turns the configuration step's outcome into the ServerConfigured condition and status.shares, so
// `kubectl describe dittoserver` says what the server serves, or why it does not yet.
import type { DittoServer } from "../../../generated/dittoserver.js";
import { dittoServerCondition, type DittoServerConditionInput } from "../condition-reasons.js";
import { dittoServerNames, serverNamespace } from "../names.js";
import type { ServedShare } from "./converge-server.js";
import type { ServerConfigOutcome } from "./configure-step.js";

export interface ShareStatus extends ServedShare {
  nfsExport: string;
}

/** What an NFS client mounts for `path`: the file Service's in-cluster name and the export path. */
export function nfsExportOf(server: DittoServer, path: string): string {
  return `${dittoServerNames.fileService(server)}.${serverNamespace(server)}.svc.cluster.local:${path}`;
}

export function shareStatuses(server: DittoServer, shares: readonly ServedShare[]): ShareStatus[] {
  return shares.map((share) => ({ ...share, nfsExport: nfsExportOf(server, share.path) }));
}

function configuredMessage(shares: readonly ServedShare[]): string {
  const served = shares.filter((s) => s.inSpec).map((s) => s.path);
  const extra = shares.filter((s) => !s.inSpec).map((s) => s.path);
  const list = served.length === 0 ? "no shares (spec.shares is empty)" : `serving ${served.join(", ")}`;
  return extra.length === 0
    ? `${list}; stores and adapters as the spec asks`
    : `${list}; the server also has ${extra.join(", ")}, not in spec.shares (kept)`;
}

/** The condition for `outcome`; undefined when the last one stands or the operator does not manage it. */
export function serverConfiguredCondition(
  outcome: ServerConfigOutcome,
): DittoServerConditionInput | undefined {
  switch (outcome.kind) {
    case "notManaged":
    case "unchanged":
      return undefined;
    case "waiting":
      return dittoServerCondition("WaitingForServer", outcome.message);
    case "configured":
      return dittoServerCondition("Configured", configuredMessage(outcome.shares));
    case "metadataStoreMismatch":
      return dittoServerCondition(
        "MetadataStoreMismatch",
        `${configuredMessage(outcome.shares)}; but ${outcome.message}`,
      );
    case "databaseSecretIncomplete":
      return dittoServerCondition("DatabaseSecretIncomplete", outcome.message);
    case "metadataStoreRefused":
      return dittoServerCondition("MetadataStoreRefused", outcome.message);
    case "unreachable":
      return dittoServerCondition("ApiUnreachable", outcome.message);
    case "loginRefused":
      return dittoServerCondition("LoginRefused", outcome.message);
    case "refused":
      return dittoServerCondition("ConfigRefused", outcome.message);
    case "remoteStoreUnhealthy":
      return dittoServerCondition("RemoteStoreUnhealthy", outcome.message);
  }
}
