package dev.vigil.deploy;

import dev.vigil.alerts.AlertsHealth;
import dev.vigil.config.HttpAccess;
import dev.vigil.config.http.ServiceHttp;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP of a running {@link AlertsRunner}, on {@link ServiceHttp}: {@code /health/live} (up
 * while no loop has failed), {@code /health/ready} (up while live, connected to MQTT and nothing
 * retrying), both with the checks as JSON, and {@code /metrics}: the runner's registry in the
 * Prometheus text format.
 */
final class AlertsHttp implements AutoCloseable {
  private final ServiceHttp http;

  private AlertsHttp(ServiceHttp http) {
    this.http = http;
  }

  /** Serves on 127.0.0.1:{@code port} (0 for a free port), without tokens. */
  static AlertsHttp start(AlertsRunner alerts, int port) {
    return start(alerts, "127.0.0.1", port, HttpAccess.open());
  }

  /** Serves on {@code host:port}, guarded by {@code access}. */
  static AlertsHttp start(AlertsRunner alerts, String host, int port, HttpAccess access) {
    return new AlertsHttp(
        ServiceHttp.start(
            "alerts",
            host,
            port,
            access,
            alerts.metrics()::render,
            () -> probe(alerts.health(), alerts.health().live()),
            () -> probe(alerts.health(), alerts.health().ready())));
  }

  int port() {
    return http.port();
  }

  private static ServiceHttp.Health probe(AlertsHealth h, boolean up) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("live", h.live());
    detail.put("ready", h.ready());
    detail.put("checks", h.checks());
    return new ServiceHttp.Health(up, detail);
  }

  @Override
  public void close() {
    http.close();
  }
}
