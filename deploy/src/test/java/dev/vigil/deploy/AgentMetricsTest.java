package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.agent.CameraStats;
import dev.vigil.config.metrics.ServiceMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
  private static CameraStats stats(String camera, CameraStats.State state, long grabbed) {
    return new CameraStats(
        camera, "file.mp4", state, grabbed, 2, 3, 0, grabbed - 5, 4, 1, 0, 1, 0, null);
  }

  @Test
  void shouldServeEachCameraFromTheScrapeItFirstAppearsIn() {
    Map<String, CameraStats> cameras = new LinkedHashMap<>();
    cameras.put("cam-1", stats("cam-1", CameraStats.State.RUNNING, 10));
    try (ServiceMetrics service = ServiceMetrics.bare()) {
      AgentMetrics metrics = new AgentMetrics(service, () -> Map.copyOf(cameras), null);

      assertThat(metrics.render())
          .contains("vigil_agent_frames_grabbed_total{camera=\"cam-1\"} 10.0\n")
          .contains("vigil_agent_frames_sent_total{camera=\"cam-1\"} 5.0\n")
          .contains("vigil_agent_frames_skipped_total{camera=\"cam-1\"} 5.0\n")
          .contains("vigil_agent_camera_running{camera=\"cam-1\"} 1.0\n")
          .contains("vigil_agent_spool_empty 1.0\n")
          .doesNotContain("cam-2");

      cameras.put("cam-1", stats("cam-1", CameraStats.State.ENDED, 12));
      cameras.put("cam-2", stats("cam-2", CameraStats.State.RUNNING, 7));
      assertThat(metrics.render())
          .contains("vigil_agent_frames_grabbed_total{camera=\"cam-1\"} 12.0\n")
          .contains("vigil_agent_camera_running{camera=\"cam-1\"} 0.0\n")
          .contains("vigil_agent_frames_grabbed_total{camera=\"cam-2\"} 7.0\n");
    }
  }
}
