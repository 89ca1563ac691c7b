package dev.vigil.deploy;

import dev.vigil.agent.CameraStats;
import dev.vigil.agent.spool.DiskSpool;
import dev.vigil.config.http.ServiceHttp;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** The edge agent's metrics in the Prometheus text format, and its readiness. Stateless. */
final class AgentMetrics {
  private AgentMetrics() {}

  static String render(Map<String, CameraStats> stats, DiskSpool spool) {
    Map<String, CameraStats> byCamera = new TreeMap<>(stats);
    StringBuilder out = new StringBuilder(1024);
    counter(
        out,
        byCamera,
        "vigil_agent_frames_grabbed_total",
        "Frames read from the source.",
        CameraStats::framesGrabbed);
    counter(
        out,
        byCamera,
        "vigil_agent_frames_sent_total",
        "Frames Kafka acknowledged.",
        CameraStats::framesSent);
    counter(
        out,
        byCamera,
        "vigil_agent_frames_skipped_total",
        "Frames the motion gate or the fps sampler left out.",
        s -> s.framesSkippedByMotion() + s.framesSampledOut());
    counter(
        out,
        byCamera,
        "vigil_agent_audio_snippets_sent_total",
        "Audio snippets sent.",
        CameraStats::audioSnippetsSent);
    counter(
        out,
        byCamera,
        "vigil_agent_spooled_total",
        "Records written to the disk spool while Kafka could not take them.",
        CameraStats::spooled);
    counter(
        out,
        byCamera,
        "vigil_agent_send_errors_total",
        "Records Kafka refused for good.",
        CameraStats::sendErrors);
    out.append("# HELP vigil_agent_camera_running 1 while the camera's source delivers frames.\n")
        .append("# TYPE vigil_agent_camera_running gauge\n");
    byCamera.forEach(
        (id, s) ->
            out.append("vigil_agent_camera_running{camera=\"")
                .append(id)
                .append("\"} ")
                .append(s.state() == CameraStats.State.RUNNING ? 1 : 0)
                .append('\n'));
    out.append("# HELP vigil_agent_spool_empty 1 when nothing waits in the disk spool.\n")
        .append("# TYPE vigil_agent_spool_empty gauge\n")
        .append("vigil_agent_spool_empty ")
        .append(spool == null || spool.isEmpty() ? 1 : 0)
        .append('\n');
    return out.toString();
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

  private static void counter(
      StringBuilder out,
      Map<String, CameraStats> stats,
      String name,
      String help,
      ToLongFunction<CameraStats> value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    stats.forEach(
        (id, s) ->
            out.append(name)
                .append("{camera=\"")
                .append(id)
                .append("\"} ")
                .append(value.applyAsLong(s))
                .append('\n'));
  }
}
