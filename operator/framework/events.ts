// Kubernetes Events on the objects a controller reconciles, for `kubectl describe`.
// A repeated event bumps the count of the one already posted instead of adding another.
import type { CoreV1Event, KubernetesObject } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import type { Logger } from "winston";
import { isNotFound, patchTypes, type KubeApi } from "./kube-api.js";
import { builtinResources } from "./resource.js";

export type EventType = "Normal" | "Warning";

interface PostedEvent {
  name: string;
  count: number;
  firstTimestamp: string;
}

export class EventRecorder {
  private readonly posted = new Map<string, PostedEvent>();
  private static readonly maxRemembered = 4096;

  constructor(
    private readonly api: KubeApi,
    private readonly component: string,
    private readonly instance: string,
    private readonly log: Logger,
  ) {}

  /** Posts or bumps an Event; failures are logged, never thrown into a reconcile. */
  async record(object: KubernetesObject, type: EventType, reason: string, message: string): Promise<void> {
    const metadata = object.metadata ?? {};
    const namespace = metadata.namespace ?? "default";
    const dedupeKey = [metadata.uid, type, reason, message].join("\u0000");
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const previous = this.posted.get(dedupeKey);
    try {
      if (previous) {
        try {
          await this.api.patch(
            builtinResources.Event,
            namespace,
            previous.name,
            { count: previous.count + 1, lastTimestamp: now },
            patchTypes.merge,
          );
          previous.count += 1;
          return;
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      const name = `${metadata.name ?? "object"}.${randomBytes(8).toString("hex")}`;
      const event: CoreV1Event = {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: metadata.name,
          namespace: metadata.namespace,
          uid: metadata.uid,
          resourceVersion: metadata.resourceVersion,
        },
        type,
        reason,
        message,
        count: 1,
        firstTimestamp: now as unknown as Date,
        lastTimestamp: now as unknown as Date,
        source: { component: this.component },
        reportingComponent: this.component,
        reportingInstance: this.instance,
      };
      await this.api.create(builtinResources.Event, event);
      if (this.posted.size >= EventRecorder.maxRemembered) {
        const oldest = this.posted.keys().next().value;
        if (oldest !== undefined) this.posted.delete(oldest);
      }
      this.posted.set(dedupeKey, { name, count: 1, firstTimestamp: now });
    } catch (error) {
      this.log.warn("could not post event", {
        reason,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
