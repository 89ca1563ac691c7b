/**
 * The PPE compliance dashboard: a sub-topology that keeps queryable state stores of the latest
 * observation per camera, per-minute compliance, open violations and today's violation history
 * ({@link dev.vigil.processor.dashboard.DashboardTopology}); the REST API over interactive queries
 * ({@link dev.vigil.processor.dashboard.DashboardApi}); the HTTP server with the page, Server-Sent
 * Events and Prometheus metrics ({@link dev.vigil.processor.dashboard.DashboardServer}); and the
 * metrics registry ({@link dev.vigil.processor.dashboard.VigilMetrics}).
 */
package dev.vigil.processor.dashboard;
