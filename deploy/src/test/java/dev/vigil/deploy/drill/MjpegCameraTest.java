package dev.vigil.deploy.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.agent.capture.AgentClock;
import dev.vigil.agent.capture.AgentException;
import dev.vigil.agent.capture.Capture;
import dev.vigil.agent.capture.FrameSource;
import dev.vigil.agent.capture.FrameSources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drill's network camera, read by the agent's own FFmpeg source as a plant camera would be. */
class MjpegCameraTest {
  @TempDir Path dir;

  @Test
  void shouldServeEachFrameAtItsWallClockTimeAndEndWithTheClip() throws Exception {
    Path video = Footage.videoDir();
    Assumptions.assumeTrue(video != null, "../shared/data/video is absent");
    int n = Footage.cut(video.resolve(Footage.VIDEO), 0, 3, 2, dir.resolve("clip"));
    try (MjpegCamera camera = new MjpegCamera(dir.resolve("clip"), 2)) {
      String url = "http://127.0.0.1:" + camera.port() + "/stream.mjpg";
      FrameSource source =
          FrameSources.open(url, 2, true, AgentClock.SYSTEM, Duration.ofSeconds(5));
      List<Long> stamps = new ArrayList<>();
      try {
        source.start();
        Capture c;
        while ((c = source.grab()) != null) {
          stamps.add(c.captureTimeMs());
        }
      } finally {
        source.close();
      }
      // Live: frames come at the camera's pace (a stalled reader would miss one, as from a camera).
      assertThat(stamps).hasSizeBetween(n - 2, n).isSorted();
      assertThat(stamps.get(stamps.size() - 1) - stamps.get(0)).isGreaterThan((n - 4) * 500L);
      assertThat(camera.lastServedMs()).isPositive();
      // After its last frame the stream is gone, as a camera that went away.
      FrameSource again = FrameSources.open(url, 2, true, AgentClock.SYSTEM, Duration.ofSeconds(5));
      assertThatThrownBy(again::start).isInstanceOf(AgentException.class);
    }
  }
}
