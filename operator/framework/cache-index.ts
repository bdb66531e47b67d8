// Secondary indexes over one informer's store (client-go's Indexers): a controller that must find the
// objects sharing a value — the Torrents naming one hash — asks the index instead of scanning the cache.

/** The values an object is found under; [] when it has none (an unparsable spec, for example). */
export type IndexFunction<T> = (object: T) => readonly string[];

/** One named index: value → keys of the objects filed under it, kept in step with the store. */
export class CacheIndex<T> {
  private readonly keysByValue = new Map<string, Set<string>>();
  private readonly valuesByKey = new Map<string, readonly string[]>();

  constructor(readonly valuesOf: IndexFunction<T>) {}

  /** Files `object` under its values now, and no longer under the ones it had before. */
  update(key: string, object: T): void {
    this.remove(key);
    let values: readonly string[];
    try {
      values = [...new Set(this.valuesOf(object))];
    } catch {
      values = [];
    }
    if (values.length === 0) return;
    this.valuesByKey.set(key, values);
    for (const value of values) {
      let keys = this.keysByValue.get(value);
      if (!keys) this.keysByValue.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  remove(key: string): void {
    for (const value of this.valuesByKey.get(key) ?? []) {
      const keys = this.keysByValue.get(value);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByValue.delete(value);
    }
    this.valuesByKey.delete(key);
  }

  keys(value: string): string[] {
    return [...(this.keysByValue.get(value) ?? [])];
  }
}
