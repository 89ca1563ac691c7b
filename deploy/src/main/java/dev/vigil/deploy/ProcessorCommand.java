package dev.vigil.deploy;

import dev.vigil.config.SiteConfig;
import dev.vigil.inference.byo.SavedModelFolder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil processor}: runs the Kafka Streams processor against the site's Kafka cluster. */
@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the stream processor: model, prompts and temporal rules.",
      "Serves the dashboard, REST API, /metrics and /health/* on --http-host:--http-port.",
      "Creates missing topics and seeds the prompts of site.yaml whose id is absent from"
          + " vigil.prompts (--reseed: all of them)."
    })
final class ProcessorCommand implements Callable<Integer> {
  /** Default port of the processor's dashboard, API, metrics and health. */
  static final int DEFAULT_HTTP_PORT = 8080;

  @Mixin SiteOptions options;

  @Mixin HttpOptions http;

  @Option(
      names = "--reseed",
      description =
          "Write every prompt of site.yaml to vigil.prompts, replacing edits made at run time."
              + " Default: seed only prompts whose id is absent there.")
  boolean reseed;

  @Override
  public Integer call() throws Exception {
    SiteConfig site = options.load();
    SavedModelFolder.require(site, options.config.toString());
    var access = http.access(site.http());
    try (GracefulShutdown shutdown = new GracefulShutdown();
        VigilParts parts = VigilParts.open(site, options.dataDir)) {
      parts.provisionAndSeed(reseed);
      int port = http.resolved(http.port(DEFAULT_HTTP_PORT));
      parts.startProcessor(http.advertised(port));
      parts.startDashboard(http.host, port, access);
      shutdown.awaitStopRequest();
    }
    return 0;
  }
}
