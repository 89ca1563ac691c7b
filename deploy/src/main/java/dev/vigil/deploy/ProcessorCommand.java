package dev.vigil.deploy;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vigil processor}: runs the Kafka Streams processor against the site's Kafka cluster. */
@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the stream processor: model, prompts and temporal rules.",
      "Creates missing topics and seeds the prompts of site.yaml into vigil.prompts."
    })
final class ProcessorCommand implements Callable<Integer> {
  @Mixin SiteOptions options;

  @Override
  public Integer call() throws Exception {
    SiteConfig site = options.load();
    SiteConfigLoader.requireDetectorFiles(site, options.config.toString());
    try (GracefulShutdown shutdown = new GracefulShutdown();
        VigilParts parts = VigilParts.open(site, options.dataDir)) {
      parts.provisionAndSeed();
      parts.startProcessor();
      shutdown.awaitStopRequest();
    }
    return 0;
  }
}
