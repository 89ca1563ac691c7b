package dev.vigil.deploy.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.inference.SlowToStartAnalyzer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClipRunnerTest {

  private static final Path CLIP =
      Path.of(System.getProperty("vigil.shared.data", "../shared/data"))
          .resolve("video/people-detection.mp4");

  @Test
  void shouldLeaveTheFirstCallsOneOffCostOutOfTheClipsSpeed() {
    assumeTrue(Files.isRegularFile(CLIP), "shared data absent: " + CLIP);
    SlowToStartAnalyzer slowToStart = new SlowToStartAnalyzer();

    ClipResult result =
        new ClipRunner(slowToStart, 2, 0, (clip, t, jpeg, analysis) -> {}, slowToStart::nanoTime)
            .run(CLIP);

    assertThat(result.error()).isNull();
    assertThat(result.frames()).isNotEmpty();
    // One untimed call, then one timed call per sampled frame, 1 ms each.
    assertThat(slowToStart.calls()).isEqualTo(result.frames().size() + 1);
    assertThat(result.perceptionSeconds()).isCloseTo(result.frames().size() * 0.001, within(1e-9));
  }
}
