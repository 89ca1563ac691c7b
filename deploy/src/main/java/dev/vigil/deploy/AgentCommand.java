package dev.vigil.deploy;

import dev.vigil.config.SiteConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vigil agent}: captures the site's cameras and produces frames and audio to Kafka. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Captures every camera of the site and produces frames and audio to Kafka.")
final class AgentCommand implements Callable<Integer> {
  @Mixin SiteOptions options;

  @Override
  public Integer call() throws Exception {
    SiteConfig site = options.load();
    if (site.cameras().isEmpty()) {
      throw new VigilCli.UsageException(
          options.config + ": no cameras configured; add one under cameras:");
    }
    try (GracefulShutdown shutdown = new GracefulShutdown();
        VigilParts parts = VigilParts.open(site, options.dataDir)) {
      parts.startAgent();
      shutdown.awaitStopRequest();
    }
    return 0;
  }
}
