package dev.vigil.deploy.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClipRunnerTest {

  private static final Path CLIP =
      Path.of(System.getProperty("vigil.shared.data", "../shared/data"))
          .resolve("video/people-detection.mp4");

  @Test
  void shouldLeaveTheFirstCallsOneOffCostOutOfTheClipsSpeed() {
    assumeTrue(Files.isRegularFile(CLIP), "shared data absent: " + CLIP);
    AtomicInteger calls = new AtomicInteger();
    FrameAnalyzer slowToStart =
        new FrameAnalyzer() {
          @Override
          public FrameAnalysis analyze(byte[] encodedImage) {
            if (calls.incrementAndGet() == 1) {
              // A start-up cost as TensorFlow's first run at a new input shape has.
              try {
                Thread.sleep(2000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return new FrameAnalysis(1, 1, List.of(), Map.of());
          }

          @Override
          public void close() {}
        };

    ClipResult result = new ClipRunner(slowToStart, 2, 0).run(CLIP);

    assertThat(result.error()).isNull();
    assertThat(result.frames()).isNotEmpty();
    // One untimed call, then one timed call per sampled frame.
    assertThat(calls.get()).isEqualTo(result.frames().size() + 1);
    assertThat(result.perceptionSeconds()).isLessThan(1);
  }
}
