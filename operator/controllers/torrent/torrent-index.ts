// Remembers which Torrent objects watch which hash on which qBittorrent, so one maindata
// change enqueues exactly the Torrents it concerns (and an outage enqueues all of them).

export class TorrentIndex {
  private readonly byTarget = new Map<string, Map<string, Set<string>>>();
  private readonly keyLocation = new Map<string, { targetId: string; hashes: string[] }>();

  track(key: string, targetId: string, hashes: readonly string[]): void {
    const previous = this.keyLocation.get(key);
    if (previous?.targetId === targetId && sameHashes(previous.hashes, hashes)) return;
    this.forget(key);
    let byHash = this.byTarget.get(targetId);
    if (!byHash) this.byTarget.set(targetId, (byHash = new Map<string, Set<string>>()));
    for (const hash of hashes) {
      let keys = byHash.get(hash);
      if (!keys) byHash.set(hash, (keys = new Set<string>()));
      keys.add(key);
    }
    this.keyLocation.set(key, { targetId, hashes: [...hashes] });
  }

  forget(key: string): void {
    const location = this.keyLocation.get(key);
    if (!location) return;
    const byHash = this.byTarget.get(location.targetId);
    for (const hash of location.hashes) {
      const keys = byHash?.get(hash);
      keys?.delete(key);
      if (keys?.size === 0) byHash?.delete(hash);
    }
    if (byHash?.size === 0) this.byTarget.delete(location.targetId);
    this.keyLocation.delete(key);
  }

  keysFor(targetId: string, hashes: readonly string[]): string[] {
    const byHash = this.byTarget.get(targetId);
    const keys = new Set<string>();
    for (const hash of hashes) for (const key of byHash?.get(hash.toLowerCase()) ?? []) keys.add(key);
    return [...keys];
  }

  allKeys(targetId: string): string[] {
    const keys = new Set<string>();
    for (const set of this.byTarget.get(targetId)?.values() ?? []) for (const key of set) keys.add(key);
    return [...keys];
  }
}

function sameHashes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((hash, index) => hash === b[index]);
}
