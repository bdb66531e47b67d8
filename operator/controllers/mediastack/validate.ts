// validateStack: what the CRD's schema and CEL rules cannot (or may not, on an old cluster) refuse.
// A non-empty result is a PermanentError for the reconcile: Ready=False, reason InvalidSpec, an Event.
import type { MediaStack } from "../../generated/mediastack.js";
import { parseQuantity } from "./quantity.js";
import { resolveApps, resolveRouting } from "./stack-settings.js";

/** The Ready reason the reconcile reports for a spec validateStack refuses. */
export const invalidSpecReason = "InvalidSpec";

export interface StackValidationProblem {
  /** JSON path of the offending field, e.g. spec.apps.sonarr.hostname. */
  readonly field: string;
  readonly message: string;
}

/**
 * Checks, all pure:
 * - the name fits every derived name (CEL too; repeated for stacks created before the rule);
 * - exactly one /data source, not gateway and ingress together, at least one app (CEL too);
 * - host names unique among enabled apps (CEL too: the rule is long, and this gives field paths);
 * - each app's resource requests do not exceed its limits (CEL has no quantity comparison before
 *   Kubernetes 1.29's quantity library, and the API server would refuse the Deployment instead).
 */
export function validateStack(stack: MediaStack): StackValidationProblem[] {
  const problems: StackValidationProblem[] = [];
  const name = stack.metadata.name ?? "";
  if (name.length > 50 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    problems.push({
      field: "metadata.name",
      message: "must be a DNS-1035 label of at most 50 characters (it prefixes Service names)",
    });
  }

  const { nfs, existingClaim, dittoServerRef } = stack.spec.storage.data;
  const sources = [nfs, existingClaim, dittoServerRef].filter((source) => source !== undefined).length;
  if (sources !== 1) {
    problems.push({
      field: "spec.storage.data",
      message: "set exactly one of nfs, existingClaim or dittoServerRef",
    });
  }
  if (stack.spec.gateway && stack.spec.ingress) {
    problems.push({ field: "spec", message: "set gateway or ingress, not both" });
  }

  const apps = resolveApps(stack.spec);
  const enabled = apps.filter((app) => app.enabled);
  if (enabled.length === 0)
    problems.push({ field: "spec.apps", message: "at least one app must be enabled" });

  if (resolveRouting(stack.spec).kind !== "none") {
    const owners = new Map<string, string>();
    for (const app of enabled) {
      const hostname = app.hostname as string;
      const owner = owners.get(hostname);
      if (owner !== undefined) {
        problems.push({
          field: `spec.apps.${app.name}.hostname`,
          message: `host name ${hostname} is already used by ${owner}`,
        });
      } else {
        owners.set(hostname, app.name);
      }
    }
  }

  for (const app of enabled) {
    const requests = app.resources.requests ?? {};
    const limits = app.resources.limits ?? {};
    for (const [resource, request] of Object.entries(requests)) {
      const limit = limits[resource];
      if (limit === undefined) continue;
      const requested = parseQuantity(request);
      const limited = parseQuantity(limit);
      if (requested !== undefined && limited !== undefined && requested > limited) {
        problems.push({
          field: `spec.apps.${app.name}.resources`,
          message: `${resource} request ${request} exceeds its limit ${limit}`,
        });
      }
    }
  }
  return problems;
}

/** One line for a condition message or an Event. */
export function describeValidationProblems(problems: readonly StackValidationProblem[]): string {
  return problems.map((problem) => `${problem.field}: ${problem.message}`).join("; ");
}
