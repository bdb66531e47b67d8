// URL prefix aliases (from → to) for an operator that runs outside the cluster (tests, the demo): an
// in-cluster Service URL such as http://home-sonarr.media.svc.cluster.local:8989 is reached another way.

/** `url` with the longest matching alias prefix replaced; unchanged when none matches. */
export function aliasedUrl(url: string, aliases: ReadonlyMap<string, string> | undefined): string {
  let best: [string, string] | undefined;
  for (const [from, to] of aliases ?? []) {
    if (url.startsWith(from) && (best === undefined || from.length > best[0].length)) best = [from, to];
  }
  return best ? best[1] + url.slice(best[0].length) : url;
}
