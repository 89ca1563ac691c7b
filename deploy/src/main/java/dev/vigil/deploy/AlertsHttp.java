package dev.vigil.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.alerts.AlertsHealth;
import dev.vigil.config.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serves the health and counters of a running {@link AlertsRunner} on loopback: {@code
 * /health/live} (200 while no loop has failed, else 503), {@code /health/ready} (200 while live,
 * connected to MQTT and nothing retrying, else 503), both with the checks as JSON, and {@code
 * /metrics} in the Prometheus text format. Loopback only: serving other addresses waits for the
 * token that guards every service's HTTP.
 */
final class AlertsHttp implements AutoCloseable {
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final AlertsRunner alerts;

  private AlertsHttp(HttpServer server, AlertsRunner alerts) {
    this.server = server;
    this.alerts = alerts;
  }

  /** Starts serving on 127.0.0.1:{@code port} (0 for a free port). */
  static AlertsHttp start(AlertsRunner alerts, int port) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve alerts health on 127.0.0.1:" + port, e);
    }
    AlertsHttp http = new AlertsHttp(server, alerts);
    server.createContext("/health/live", ex -> http.health(ex, true));
    server.createContext("/health/ready", ex -> http.health(ex, false));
    server.createContext("/metrics", http::metrics);
    server.start();
    return http;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void health(HttpExchange ex, boolean liveness) throws IOException {
    AlertsHealth h = alerts.health();
    boolean ok = liveness ? h.live() : h.ready();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("live", h.live());
    body.put("ready", h.ready());
    body.put("checks", h.checks());
    send(ex, ok ? 200 : 503, "application/json", Json.toString(body));
  }

  private void metrics(HttpExchange ex) throws IOException {
    AlertsHealth h = alerts.health();
    String gauges =
        "# HELP vigil_alerts_live 1 while no alerts loop has failed.\n"
            + "# TYPE vigil_alerts_live gauge\n"
            + "vigil_alerts_live "
            + (h.live() ? 1 : 0)
            + "\n# HELP vigil_alerts_ready 1 while live, connected to MQTT and nothing retrying.\n"
            + "# TYPE vigil_alerts_ready gauge\n"
            + "vigil_alerts_ready "
            + (h.ready() ? 1 : 0)
            + "\n";
    send(ex, 200, PROMETHEUS, alerts.metrics().render() + gauges);
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
