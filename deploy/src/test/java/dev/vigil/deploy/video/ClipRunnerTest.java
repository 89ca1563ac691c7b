package dev.vigil.deploy.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClipRunnerTest {

  private static final Path CLIP =
      Path.of(System.getProperty("vigil.shared.data", "../shared/data"))
          .resolve("video/people-detection.mp4");

  @Test
  void shouldLeaveTheFirstCallsOneOffCostOutOfTheClipsSpeed() {
    assumeTrue(Files.isRegularFile(CLIP), "shared data absent: " + CLIP);
    AtomicLong clock = new AtomicLong();
    AtomicInteger calls = new AtomicInteger();
    // The first call costs 10 s of (fake) time, as TensorFlow's first run at a new input shape
    // sets up; later calls 1 ms.
    FrameAnalyzer slowToStart =
        new FrameAnalyzer() {
          @Override
          public FrameAnalysis analyze(byte[] encodedImage) {
            clock.addAndGet(calls.incrementAndGet() == 1 ? 10_000_000_000L : 1_000_000L);
            return new FrameAnalysis(1, 1, List.of(), Map.of());
          }

          @Override
          public void close() {}
        };

    ClipResult result =
        new ClipRunner(slowToStart, 2, 0, (clip, t, jpeg, analysis) -> {}, clock::get).run(CLIP);

    assertThat(result.error()).isNull();
    assertThat(result.frames()).isNotEmpty();
    // One untimed call, then one timed call per sampled frame, 1 ms each.
    assertThat(calls.get()).isEqualTo(result.frames().size() + 1);
    assertThat(result.perceptionSeconds()).isCloseTo(result.frames().size() * 0.001, within(1e-9));
  }
}
