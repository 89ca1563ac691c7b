package dev.vigil.deploy.bench;

import dev.vigil.agent.AgentOptions;
import dev.vigil.agent.CameraStats;
import dev.vigil.agent.EdgeAgent;
import dev.vigil.config.SiteConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Realtime cameras, one agent each, started a little apart so that cameras replaying the same clip
 * do not send their frames in lockstep. Shares the run's producer. Not thread-safe.
 */
final class Fleet {
  private final List<EdgeAgent> agents = new ArrayList<>();

  Fleet(BenchContext ctx, List<SiteConfig.Camera> cams) {
    for (SiteConfig.Camera c : cams) {
      agents.add(
          new EdgeAgent(
              List.of(c),
              ctx.producer,
              ctx.site.topics(),
              AgentOptions.defaults().withRealtime(true)));
    }
  }

  void start() throws InterruptedException {
    long stepMs = agents.isEmpty() ? 0 : Math.min(250, 4000 / agents.size());
    for (EdgeAgent a : agents) {
      a.start();
      Thread.sleep(stepMs);
    }
  }

  Map<String, CameraStats> stats() {
    Map<String, CameraStats> m = new LinkedHashMap<>();
    agents.forEach(a -> m.putAll(a.stats()));
    return m;
  }

  void close() {
    agents.forEach(EdgeAgent::close);
  }

  static long sent(Map<String, CameraStats> stats) {
    return stats.values().stream().mapToLong(CameraStats::framesSent).sum();
  }

  static long dropped(Map<String, CameraStats> stats) {
    return stats.values().stream().mapToLong(CameraStats::framesDropped).sum();
  }

  static boolean ended(Map<String, CameraStats> stats) {
    return stats.values().stream().allMatch(s -> s.state().terminal());
  }

  /** Frames the motion gate skipped, over the frames that passed fps sampling. */
  static double skipFraction(Map<String, CameraStats> stats) {
    long skipped = stats.values().stream().mapToLong(CameraStats::framesSkippedByMotion).sum();
    long sampled =
        stats.values().stream().mapToLong(s -> s.framesGrabbed() - s.framesSampledOut()).sum();
    return sampled == 0 ? Double.NaN : (double) skipped / sampled;
  }
}
