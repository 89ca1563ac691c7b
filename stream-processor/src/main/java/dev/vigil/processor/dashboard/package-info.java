/**
 * The PPE compliance dashboard: a sub-topology that keeps queryable state stores of the latest
 * observation per camera, per-minute compliance, open violations, today's violation history and 30
 * days of hourly compliance and violation counts ({@link
 * dev.vigil.processor.dashboard.DashboardTopology}); violations' face-blurred evidence snapshots
 * ({@link dev.vigil.processor.dashboard.EvidenceCapture}, {@link
 * dev.vigil.processor.dashboard.EvidenceSnapshots}); the REST API over interactive queries ({@link
 * dev.vigil.processor.dashboard.DashboardApi}); the HTTP server with the page, Server-Sent Events
 * and Prometheus metrics ({@link dev.vigil.processor.dashboard.DashboardServer}); and the metrics
 * registry ({@link dev.vigil.processor.dashboard.VigilMetrics}).
 */
package dev.vigil.processor.dashboard;
