package dev.vigil.deploy;

import dev.vigil.config.SiteConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil agent}: captures the site's cameras and produces frames and audio to Kafka. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Captures every camera of the site and produces frames and audio to Kafka.",
      "Serves /metrics and /health/* on --http-host:--http-port (default 8081)."
    })
final class AgentCommand implements Callable<Integer> {
  /** Default port of the agent's metrics and health. */
  static final int DEFAULT_HTTP_PORT = 8081;

  @Mixin SiteOptions options;

  @Mixin HttpOptions http;

  @Option(
      names = "--spool-max-mb",
      defaultValue = "" + VigilParts.DEFAULT_SPOOL_MAX_MB,
      description =
          "Disk the spool may use under <data-dir>/spool while Kafka cannot take records; when"
              + " full, the oldest records go first (default ${DEFAULT-VALUE}).")
  long spoolMaxMb;

  @Override
  public Integer call() throws Exception {
    if (spoolMaxMb < 1) {
      throw new VigilCli.UsageException("--spool-max-mb must be at least 1, not " + spoolMaxMb);
    }
    SiteConfig site = options.load();
    if (site.cameras().isEmpty()) {
      throw new VigilCli.UsageException(
          options.config + ": no cameras configured; add one under cameras:");
    }
    var access = http.access(site.http());
    try (GracefulShutdown shutdown = new GracefulShutdown();
        VigilParts parts = VigilParts.open(site, options.dataDir)) {
      parts.startAgent(spoolMaxMb);
      parts.serveAgentHttp(http.host, http.port(DEFAULT_HTTP_PORT), access);
      shutdown.awaitStopRequest();
    }
    return 0;
  }
}
