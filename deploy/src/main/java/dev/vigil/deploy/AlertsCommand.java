package dev.vigil.deploy;

import dev.vigil.config.SiteConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vigil alerts}: publishes violations from Kafka to the site's MQTT broker. */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = "Publishes every violation event from Kafka to MQTT at QoS 1.")
final class AlertsCommand implements Callable<Integer> {
  @Mixin SiteOptions options;

  @Override
  public Integer call() throws Exception {
    SiteConfig site = options.load();
    try (GracefulShutdown shutdown = new GracefulShutdown();
        VigilParts parts = VigilParts.open(site, options.dataDir)) {
      parts.startAlerts(alert -> System.out.println(alert.json()));
      shutdown.awaitStopRequest();
    }
    return 0;
  }
}
