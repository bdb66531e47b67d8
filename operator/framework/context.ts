// The one typed object a reconcile works with: the object, a cache to read other kinds,
// children written by server-side apply, conditions, status fields and Events.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "winston";
import { setCondition, type Condition, type ConditionInput } from "./conditions.js";
import type { EventType } from "./events.js";
import type { KubeApi } from "./kube-api.js";
import type { ResourceType } from "./resource.js";

/** Read access to every kind the operator watches, served from the shared informers. */
export interface CacheReader {
  get<T extends KubernetesObject>(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
  ): T | undefined;
  list<T extends KubernetesObject>(resource: ResourceType, namespace?: string): T[];
  /** False when the API server does not serve the resource (an optional CRD is not installed). */
  isServed(resource: ResourceType): boolean;
}

export interface ChildWriter {
  /** Applies a child with a controller owner reference to the reconciled object. */
  apply<C extends KubernetesObject>(child: C): Promise<C>;
  /** Applies an object that cannot be owned (cluster-scoped children of a namespaced owner). */
  applyUnowned<C extends KubernetesObject>(object: C): Promise<C>;
  /** Deletes a child if it exists. */
  delete(resource: ResourceType, namespace: string | undefined, name: string): Promise<void>;
}

export class ReconcileContext<T extends KubernetesObject> {
  /** Status fields to write besides conditions and observedGeneration; starts as the server's. */
  readonly status: Record<string, unknown>;
  private conditionList: Condition[];

  constructor(
    readonly object: T,
    readonly log: Logger,
    readonly cache: CacheReader,
    readonly children: ChildWriter,
    readonly api: KubeApi,
    private readonly recordEvent: (type: EventType, reason: string, message: string) => Promise<void>,
    private readonly now: () => Date = () => new Date(),
  ) {
    const {
      conditions,
      observedGeneration: _observed,
      ...rest
    } = ((object as { status?: Record<string, unknown> }).status ?? {}) as {
      conditions?: Condition[];
      observedGeneration?: number;
    } & Record<string, unknown>;
    this.status = structuredClone(rest);
    this.conditionList = structuredClone(conditions ?? []);
  }

  get generation(): number | undefined {
    return this.object.metadata?.generation;
  }

  get conditions(): readonly Condition[] {
    return this.conditionList;
  }

  setCondition(input: ConditionInput): void {
    this.conditionList = setCondition(this.conditionList, input, this.generation, this.now());
  }

  removeCondition(type: string): void {
    this.conditionList = this.conditionList.filter((condition) => condition.type !== type);
  }

  async event(type: EventType, reason: string, message: string): Promise<void> {
    await this.recordEvent(type, reason, message);
  }
}
