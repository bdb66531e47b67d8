// Writes a reconcile's children the one way every controller shares: server-side apply with a
// controller owner reference, create-once for generated values, and a prune of what it owns but no longer renders.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { CacheReader } from "./context.js";
import { KubeApiError, isConflict, isNotFound, type KubeApi } from "./kube-api.js";
import { PermanentError } from "./outcome.js";
import { apiVersionOf, resourceFor, type ResourceType } from "./resource.js";

/** A child by kind and name, in the owner's namespace (cluster-scoped ones have no owner reference). */
export interface ChildReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** What one reconcile wants of its owned children, after any create-once ones exist. */
export interface DesiredChildren {
  /** Applied in this order, each with the owner as controller; kinds the server does not serve are skipped. */
  readonly apply: readonly KubernetesObject[];
  /** Owned children to leave exactly as they are although not applied this run (kept data, held rollouts). */
  readonly keep?: readonly ChildReference[];
}

export interface ConvergedChildren {
  /** The server's answer for each applied child, by "Kind/name". */
  readonly applied: ReadonlyMap<string, KubernetesObject>;
  /** "Kind name" of each owned child deleted because nothing rendered it. */
  readonly pruned: readonly string[];
}

export interface CreatedOnce<C extends KubernetesObject> {
  /** What exists now: the cached or existing object, or the one just created. */
  readonly object: C;
  /** True only when this call wrote it: announce generated values after this, never before. */
  readonly created: boolean;
}

export interface ChildWriter {
  /** Applies a child with a controller owner reference to the reconciled object. */
  apply<C extends KubernetesObject>(child: C): Promise<C>;
  /** Applies an object that cannot be owned (cluster-scoped children of a namespaced owner). */
  applyUnowned<C extends KubernetesObject>(object: C): Promise<C>;
  /**
   * Creates `render()` when no object named `target` exists, and never updates it (generated secrets):
   * `render` runs only then. `owned: false` for what must outlive the owner. A lagging cache is
   * corrected by the create's 409, after which the existing object is read.
   */
  createOnce<C extends KubernetesObject>(
    target: ChildReference & { readonly namespace?: string },
    render: () => C,
    options?: { owned?: boolean },
  ): Promise<CreatedOnce<C>>;
  /** Applies `desired.apply` in order, then deletes every owned child nothing in this run wrote or kept. */
  converge(desired: DesiredChildren): Promise<ConvergedChildren>;
  /** Deletes an object if it exists. */
  delete(resource: ResourceType, namespace: string | undefined, name: string): Promise<void>;
}

export interface ChildWriterDeps {
  readonly api: KubeApi;
  readonly cache: CacheReader;
  readonly fieldManager: string;
  readonly ownerResource: ResourceType;
  /** The kinds the controller declares as its children: watched, and pruned when unrendered. */
  readonly childKinds: readonly ResourceType[];
  readonly knownResources: () => ResourceType[];
  /** Posts the Normal Event that names what a prune deleted. */
  readonly announcePruned: (message: string) => Promise<void>;
}

export function childKey(child: Pick<ChildReference, "kind" | "name">): string {
  return `${child.kind}/${child.name}`;
}

/**
 * A rendered object the API server refuses as invalid (422) can never be written as the spec stands:
 * a permanent failure (InvalidSpec, Stalled, no retry until the spec changes), not a retry loop.
 */
async function refusedAsInvalidSpec<R>(object: KubernetesObject, write: () => Promise<R>): Promise<R> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof KubeApiError) || error.status !== 422) throw error;
    throw new PermanentError(
      "InvalidSpec",
      `the API server refuses the ${object.kind ?? "object"} ${nameOf(object)} this spec renders: ${error.message}`,
    );
  }
}

function nameOf(object: KubernetesObject): string {
  return object.metadata?.name ?? "";
}

/** One run's writer: it remembers what the run wrote, so the prune knows what is still rendered. */
export class RunChildWriter implements ChildWriter {
  private readonly written = new Set<string>();

  constructor(
    private readonly owner: KubernetesObject,
    private readonly deps: ChildWriterDeps,
  ) {}

  private get namespace(): string | undefined {
    return this.owner.metadata?.namespace;
  }

  private resolve(child: Pick<KubernetesObject, "apiVersion" | "kind">): ResourceType {
    return resourceFor(child, this.deps.knownResources());
  }

  private owned<C extends KubernetesObject>(child: C): C {
    const { ownerResource } = this.deps;
    return {
      ...child,
      metadata: {
        ...child.metadata,
        namespace: child.metadata?.namespace ?? this.namespace,
        ownerReferences: [
          {
            apiVersion: apiVersionOf(ownerResource),
            kind: ownerResource.kind,
            name: this.owner.metadata?.name ?? "",
            uid: this.owner.metadata?.uid ?? "",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
    };
  }

  private remember(object: KubernetesObject): void {
    this.written.add(childKey({ kind: object.kind ?? "", name: nameOf(object) }));
  }

  async apply<C extends KubernetesObject>(child: C): Promise<C> {
    this.remember(child);
    return refusedAsInvalidSpec(child, () =>
      this.deps.api.apply(this.resolve(child), this.owned(child), this.deps.fieldManager),
    );
  }

  async applyUnowned<C extends KubernetesObject>(object: C): Promise<C> {
    this.remember(object);
    return refusedAsInvalidSpec(object, () =>
      this.deps.api.apply(this.resolve(object), object, this.deps.fieldManager),
    );
  }

  async createOnce<C extends KubernetesObject>(
    target: ChildReference & { readonly namespace?: string },
    render: () => C,
    options: { owned?: boolean } = {},
  ): Promise<CreatedOnce<C>> {
    const resource = this.resolve(target);
    const namespace = target.namespace ?? this.namespace;
    const { name } = target;
    this.written.add(childKey(target));
    const cached = this.deps.cache.get<C>(resource, namespace, name);
    if (cached) return { object: cached, created: false };
    const rendered = render();
    const object = options.owned === false ? rendered : this.owned(rendered);
    try {
      return {
        object: await refusedAsInvalidSpec(object, () => this.deps.api.create(resource, object)),
        created: true,
      };
    } catch (error) {
      // The cache lagged behind an object that exists: keep it, whatever it holds.
      if (!isConflict(error)) throw error;
      return { object: await this.deps.api.get<C>(resource, namespace, name), created: false };
    }
  }

  async converge(desired: DesiredChildren): Promise<ConvergedChildren> {
    const applied = new Map<string, KubernetesObject>();
    for (const child of desired.apply) {
      if (!this.deps.cache.isServed(this.resolve(child))) continue;
      const written = await this.apply(child);
      applied.set(childKey({ kind: child.kind ?? "", name: nameOf(child) }), written);
    }
    for (const kept of desired.keep ?? []) this.written.add(childKey(kept));
    const pruned = await this.pruneUnwritten();
    if (pruned.length > 0) {
      await this.deps.announcePruned(`deleted ${pruned.join(", ")}: the spec no longer asks for them`);
    }
    return { applied, pruned };
  }

  /** Deletes the owned children (controller reference to this owner's uid) this run did not write. */
  private async pruneUnwritten(): Promise<string[]> {
    const uid = this.owner.metadata?.uid;
    const pruned: string[] = [];
    for (const resource of this.deps.childKinds) {
      if (!resource.namespaced) continue;
      for (const child of this.deps.cache.list(resource, this.namespace)) {
        if (child.metadata?.deletionTimestamp) continue;
        if (this.written.has(childKey({ kind: resource.kind, name: nameOf(child) }))) continue;
        const ours = (child.metadata?.ownerReferences ?? []).some(
          (ref) => ref.controller === true && ref.uid === uid,
        );
        if (!ours) continue;
        await this.delete(resource, this.namespace, nameOf(child));
        pruned.push(`${resource.kind} ${nameOf(child)}`);
      }
    }
    return pruned;
  }

  async delete(resource: ResourceType, namespace: string | undefined, name: string): Promise<void> {
    try {
      await this.deps.api.delete(resource, namespace, name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
