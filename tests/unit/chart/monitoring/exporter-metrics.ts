// The metric names the stack's exporters serve at their pinned tags, read from their sources, so the
// stack dashboard test can refuse a panel that queries a name no exporter has.
//
// exportarr v2.3.0 (github.com/onedr0p/exportarr), `<app>` the subcommand (internal/commands/arr.go):
//   internal/arr/collector/queue.go       <app>_queue_total (sonarr, radarr)
//   internal/arr/collector/health.go      <app>_system_health_issues (sonarr, radarr, prowlarr)
//   internal/arr/collector/rootfolder.go  <app>_rootfolder_freespace_bytes (sonarr, radarr)
//   internal/arr/collector/status.go      <app>_system_status (sonarr, radarr, prowlarr)
//   internal/arr/collector/bazarr.go      bazarr_subtitles_missing_total (always collected)
// qbittorrent-exporter v2.0.1 (github.com/martabal/qbittorrent-exporter), prometheus/prometheus.go:
//   qbittorrent_global_download_speed_bytes, qbittorrent_global_upload_speed_bytes,
//   qbittorrent_global_free_space_on_disk_bytes, qbittorrent_global_torrents, qbittorrent_torrent_states
// Plus Prometheus's own `up` for every target.

export const exporterMetricNames: ReadonlySet<string> = new Set([
  "up",
  "sonarr_queue_total",
  "radarr_queue_total",
  "sonarr_system_health_issues",
  "radarr_system_health_issues",
  "prowlarr_system_health_issues",
  "sonarr_rootfolder_freespace_bytes",
  "radarr_rootfolder_freespace_bytes",
  "sonarr_system_status",
  "radarr_system_status",
  "prowlarr_system_status",
  "bazarr_subtitles_missing_total",
  "qbittorrent_global_download_speed_bytes",
  "qbittorrent_global_upload_speed_bytes",
  "qbittorrent_global_free_space_on_disk_bytes",
  "qbittorrent_global_torrents",
  "qbittorrent_torrent_states",
]);
