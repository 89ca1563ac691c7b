package dev.vigil.deploy;

import dev.vigil.agent.CameraStats;
import dev.vigil.agent.spool.DiskSpool;
import dev.vigil.config.http.ServiceHttp;
import dev.vigil.config.metrics.ServiceMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The edge agent's meters on its registry, and its readiness. Each {@link #render} reads one
 * snapshot of the cameras' counters, so the meters of one scrape agree with each other.
 * Thread-safe.
 */
final class AgentMetrics {
  private final ServiceMetrics service;
  private final Supplier<Map<String, CameraStats>> stats;
  private final Set<String> cameras = ConcurrentHashMap.newKeySet();
  private volatile Map<String, CameraStats> latest = Map.of();

  /**
   * @param stats the cameras' counters, read at every scrape
   * @param spool the agent's disk spool, or null for none
   */
  AgentMetrics(ServiceMetrics service, Supplier<Map<String, CameraStats>> stats, DiskSpool spool) {
    this.service = service;
    this.stats = stats;
    Gauge.builder("vigil.agent.spool.empty", () -> spool == null || spool.isEmpty() ? 1 : 0)
        .description("1 when nothing waits in the disk spool.")
        .register(service.registry());
  }

  /** Every meter of the agent's registry in the Prometheus text format 0.0.4. */
  String render() {
    latest = stats.get();
    latest.keySet().stream().filter(cameras::add).forEach(this::register);
    return service.scrape();
  }

  private void register(String camera) {
    MeterRegistry r = service.registry();
    counter(
        r,
        camera,
        "vigil.agent.frames.grabbed",
        "Frames read from the source.",
        s -> s.framesGrabbed());
    counter(
        r, camera, "vigil.agent.frames.sent", "Frames Kafka acknowledged.", s -> s.framesSent());
    counter(
        r,
        camera,
        "vigil.agent.frames.skipped",
        "Frames the motion gate or the fps sampler left out.",
        s -> s.framesSkippedByMotion() + s.framesSampledOut());
    counter(
        r,
        camera,
        "vigil.agent.audio.snippets.sent",
        "Audio snippets sent.",
        s -> s.audioSnippetsSent());
    counter(
        r,
        camera,
        "vigil.agent.spooled",
        "Records written to the disk spool while Kafka could not take them.",
        s -> s.spooled());
    counter(
        r,
        camera,
        "vigil.agent.send.errors",
        "Records Kafka refused for good.",
        s -> s.sendErrors());
    Gauge.builder(
            "vigil.agent.camera.running",
            this,
            m -> {
              CameraStats s = m.latest.get(camera);
              return s != null && s.state() == CameraStats.State.RUNNING ? 1 : 0;
            })
        .description("1 while the camera's source delivers frames.")
        .tag("camera", camera)
        .register(r);
  }

  private void counter(
      MeterRegistry r, String camera, String name, String help, ToLongFunction<CameraStats> value) {
    FunctionCounter.builder(
            name,
            this,
            m -> {
              CameraStats s = m.latest.get(camera);
              return s == null ? 0 : value.applyAsLong(s);
            })
        .description(help)
        .tag("camera", camera)
        .register(r);
  }

  /**
   * Ready while the agent is producing: some camera delivers frames and nothing waits in the spool
   * (records spool only while Kafka cannot take them).
   */
  static ServiceHttp.Health health(Map<String, CameraStats> stats, DiskSpool spool) {
    if (spool != null && !spool.isEmpty()) {
      return ServiceHttp.Health.notReady("spooling: Kafka is not taking records");
    }
    long running =
        stats.values().stream().filter(s -> s.state() == CameraStats.State.RUNNING).count();
    return running > 0
        ? ServiceHttp.Health.ready(running + " camera(s) producing")
        : ServiceHttp.Health.notReady("no camera is delivering frames");
  }
}
