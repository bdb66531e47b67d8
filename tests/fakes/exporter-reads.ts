// The reads exportarr v2.3.0 makes on every scrape, answered for an empty library so that its /metrics
// answers 200 (one failed read fails the whole scrape: promhttp.HandlerOpts{} in internal/commands/root.go).
import type { FakeRoute } from "./fake-http.js";

type ScrapedApp = "sonarr" | "radarr" | "prowlarr";

/** A page with no records; pageSize must not be 0: exportarr divides by it (internal/arr/collector/queue.go). */
const emptyPage = { page: 1, pageSize: 10, totalRecords: 0, records: [] };

function read(path: string, body: unknown): FakeRoute {
  return { method: "GET", path, handler: () => ({ status: 200, body }) };
}

/**
 * The endpoints each collector reads (internal/commands/arr.go registers them; internal/arr/collector/*.go
 * name the paths). Root folders are left to the fake's own route, which holds what the wiring created.
 */
export function exporterReadRoutes(app: ScrapedApp, version: string): FakeRoute[] {
  const api = app === "prowlarr" ? "/api/v1" : "/api/v3";
  const shared = [
    read(`${api}/system/status`, { appName: app, version }),
    read(`${api}/health`, []),
    read(`${api}/history`, emptyPage),
  ];
  if (app === "prowlarr") {
    return [
      ...shared,
      read(`${api}/indexer`, []),
      read(`${api}/indexerstats`, { indexers: [], userAgents: [], hosts: [] }),
    ];
  }
  const library =
    app === "sonarr"
      ? [read(`${api}/series`, []), read(`${api}/wanted/missing`, emptyPage)]
      : [read(`${api}/movie`, []), read(`${api}/tag/detail`, [])];
  return [
    ...shared,
    ...library,
    read(`${api}/queue`, emptyPage),
    read(`${api}/qualitydefinition`, []),
    read(`${api}/wanted/cutoff`, emptyPage),
  ];
}
