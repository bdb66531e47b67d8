// Kubernetes Events on the objects a controller reconciles, for `kubectl describe`. They are posted
// off the reconcile's path, a few at a time; a repeated event bumps the count of the one already posted.
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

/**
 * Events posted at once; more wait their turn. A burst of 1,000 `Added` or `Removed` Events must not
 * open 1,000 requests, nor take the API server from the status and finalizer patches that make the
 * objects converge: Events are for `kubectl describe` and may trail by a second (client-go rate-limits
 * its Events for the same reason).
 */
const concurrentPosts = 4;

/** What an Event names of its object: held per queued Event instead of the whole object. */
type InvolvedObject = Pick<KubernetesObject, "apiVersion" | "kind"> & {
  metadata: Pick<NonNullable<KubernetesObject["metadata"]>, "name" | "namespace" | "uid" | "resourceVersion">;
};

export class EventRecorder {
  private readonly posted = new Map<string, PostedEvent>();
  private static readonly maxRemembered = 4096;
  /** The last post of each dedupe key: a repeat waits for it, so counts go up in order. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly component: string,
    private readonly instance: string,
    private readonly log: Logger,
  ) {}

  /**
   * Queues an Event (or a bump of the same one) and returns at once: the reconcile does not wait for
   * the API server. Failures are logged, never thrown into a reconcile.
   */
  record(object: KubernetesObject, type: EventType, reason: string, message: string): Promise<void> {
    const metadata = object.metadata ?? {};
    const dedupeKey = [metadata.uid, type, reason, message].join("\u0000");
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const involved: InvolvedObject = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: {
        name: metadata.name,
        namespace: metadata.namespace,
        uid: metadata.uid,
        resourceVersion: metadata.resourceVersion,
      },
    };
    const tail = (this.tails.get(dedupeKey) ?? Promise.resolve())
      .then(() => this.withSlot(() => this.post(involved, type, reason, message, dedupeKey, now)))
      .finally(() => {
        if (this.tails.get(dedupeKey) === tail) this.tails.delete(dedupeKey);
      });
    this.tails.set(dedupeKey, tail);
    return Promise.resolve();
  }

  /** Resolves when every Event queued so far has been posted (or its failure logged). */
  async flush(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  private async withSlot(work: () => Promise<void>): Promise<void> {
    if (this.active >= concurrentPosts) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      await work();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }

  private async post(
    object: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
    dedupeKey: string,
    now: string,
  ): Promise<void> {
    const metadata = object.metadata ?? {};
    const namespace = metadata.namespace ?? "default";
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
