package dev.vigil.deploy;

import dev.vigil.alerts.AlertsException;
import dev.vigil.alerts.AlertsInstance;
import dev.vigil.config.SiteConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil alerts}: publishes violations from Kafka to the site's MQTT broker. It runs until
 * asked to stop (exit 0) or until the alerts fail for good (exit 1, so that systemd or Kubernetes
 * restarts it): a running process never hides dead alerts.
 */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes every violation event from Kafka to MQTT at QoS 1.",
      "Serves /metrics and /health/* on --http-host:--http-port (default 8082)."
    })
final class AlertsCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsCommand.class);

  @Mixin SiteOptions options;

  @Option(
      names = "--instance",
      paramLabel = "NAME",
      description =
          "Tells this alerts process apart from others of the same site; appended to"
              + " mqtt.client_id. Keep it stable across restarts. Default: $"
              + AlertsInstance.ENV
              + ", else the host name.")
  String instance;

  /** Default port of the alerts service's metrics and health. */
  static final int DEFAULT_HTTP_PORT = 8082;

  @Mixin HttpOptions http;

  @Override
  public Integer call() throws Exception {
    SiteConfig site = options.load();
    var access = http.access(site.http());
    try (GracefulShutdown shutdown = new GracefulShutdown();
        VigilParts parts = VigilParts.open(site, options.dataDir)) {
      AlertsRunner alerts =
          parts.startAlerts(
              alert -> System.out.println(alert.json()),
              instance == null ? AlertsInstance.fromEnvironment() : instance);
      try (AlertsHttp served =
          AlertsHttp.start(alerts, http.host, http.port(DEFAULT_HTTP_PORT), access)) {
        LOG.info(
            "alerts health at {}://{}:{}/health/ready", access.scheme(), http.host, served.port());
        awaitStopOrFailure(shutdown, alerts);
      }
    }
    return 0;
  }

  /** Returns when asked to stop; throws when the alerts failed for good. */
  static void awaitStopOrFailure(GracefulShutdown shutdown, AlertsRunner alerts) {
    CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                shutdown.awaitStopRequest();
                stopRequested.complete(null);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "vigil-alerts-stop");
    waiter.setDaemon(true);
    waiter.start();
    try {
      CompletableFuture.anyOf(stopRequested, alerts.failed()).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      throw new AlertsException("alerts failed and stopped: " + why, cause);
    }
  }
}
