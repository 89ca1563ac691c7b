package dev.vigil.deploy;

import dev.vigil.agent.AgentOptions;
import dev.vigil.agent.capture.AgentClock;
import dev.vigil.config.SiteConfig;
import java.util.ArrayList;
import java.util.List;
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

  @Option(
      names = "--camera",
      paramLabel = "ID",
      description =
          "Capture only this camera of the site (repeatable); by default every camera. One"
              + " site.yaml serves the whole plant, and each camera host's agent names its own.")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--realtime",
      description =
          "Replay files and image folders at their own pace (media clock), as a live camera would"
              + " send them; by default they are read as fast as possible.")
  boolean realtime;

  @Option(
      names = "--loop",
      description =
          "Replay files and image folders from the start each time they end (implies --realtime),"
              + " so a recording stands in for a camera that never stops.")
  boolean loop;

  @Option(
      names = "--clock-offset-ms",
      defaultValue = "0",
      paramLabel = "MS",
      description =
          "Shift every capture timestamp by MS (negative: behind), to rehearse a camera host whose"
              + " clock is off, as `vigil drill clock-skew` does. Default: ${DEFAULT-VALUE}")
  long clockOffsetMs;

  @Override
  public Integer call() throws Exception {
    if (spoolMaxMb < 1) {
      throw new VigilCli.UsageException("--spool-max-mb must be at least 1, not " + spoolMaxMb);
    }
    SiteConfig site = select(options.load(), only, options.config.toString());
    if (site.cameras().isEmpty()) {
      throw new VigilCli.UsageException(
          options.config + ": no cameras configured; add one under cameras:");
    }
    var access = http.access(site.http());
    try (GracefulShutdown shutdown = new GracefulShutdown();
        VigilParts parts = VigilParts.open(site, options.dataDir)) {
      parts.startAgent(spoolMaxMb, agentOptions());
      parts.serveAgentHttp(http.host, http.port(DEFAULT_HTTP_PORT), access);
      shutdown.awaitStopRequest();
    }
    return 0;
  }

  /**
   * The site with only the cameras named by {@code --camera} (all of them when none is named).
   *
   * @throws VigilCli.UsageException naming an id the site does not have, and the ones it has
   */
  static SiteConfig select(SiteConfig site, List<String> ids, String file) {
    if (ids.isEmpty()) {
      return site;
    }
    List<SiteConfig.Camera> chosen = new ArrayList<>();
    for (String id : ids) {
      SiteConfig.Camera c = site.camera(id);
      if (c == null) {
        throw new VigilCli.UsageException(
            "--camera "
                + id
                + ": "
                + file
                + " has no such camera; it has "
                + (site.cameras().isEmpty()
                    ? "none"
                    : String.join(
                        ", ", site.cameras().stream().map(SiteConfig.Camera::id).toList())));
      }
      if (!chosen.contains(c)) {
        chosen.add(c);
      }
    }
    return site.withCameras(chosen);
  }

  /** The agent's options: realtime pacing, replay and a shifted wall clock when asked for. */
  AgentOptions agentOptions() {
    AgentOptions o = AgentOptions.defaults().withRealtime(realtime || loop).withLoop(loop);
    if (clockOffsetMs != 0) {
      long offset = clockOffsetMs;
      AgentClock system = AgentClock.SYSTEM;
      o =
          o.withClock(
              new AgentClock() {
                @Override
                public long wallMillis() {
                  return system.wallMillis() + offset;
                }

                @Override
                public long nanoTime() {
                  return system.nanoTime();
                }

                @Override
                public void sleep(java.time.Duration d) throws InterruptedException {
                  system.sleep(d);
                }
              });
    }
    return o;
  }
}
