// The one typed object a reconcile works with: the object, a cache to read other kinds,
// children written through the framework's ChildWriter, conditions, status fields and Events.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "winston";
import { setCondition, type Condition, type ConditionInput } from "./conditions.js";
import type { EventType } from "./events.js";
import type { ChildWriter } from "./children.js";
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
  /** The cached objects filed under `value` in an index the controller declared (`indexes`). */
  byIndex<T extends KubernetesObject>(resource: ResourceType, index: string, value: string): T[];
  /** False when the API server does not serve the resource (an optional CRD is not installed). */
  isServed(resource: ResourceType): boolean;
}

/**
 * The one typed object a run works with. `O` is what the controller's steps observed and its
 * `report` turns into status: filled step by step, so a failed run reports what it got to.
 */
export class ReconcileContext<T extends KubernetesObject, O extends object = object> {
  /** Status fields to write besides conditions and observedGeneration; starts as the server's. */
  readonly status: Record<string, unknown>;
  /** What the steps of this run observed or wrote, for the controller's report. */
  readonly observed: Partial<O> = {};
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
