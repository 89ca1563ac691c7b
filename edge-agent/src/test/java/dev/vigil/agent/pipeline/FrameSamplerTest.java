package dev.vigil.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameSamplerTest {
  private static int keptOf(double sourceFps, double seconds, double targetFps) {
    FrameSampler s = new FrameSampler(targetFps);
    int kept = 0;
    for (int i = 0; i < Math.round(sourceFps * seconds); i++) {
      if (s.accept((long) Math.floor(i * 1000 / sourceFps))) {
        kept++;
      }
    }
    return kept;
  }

  @Test
  void shouldKeepTwoFramesPerSecondWhenFifteenFpsFileIsSampledAtTwo() {
    assertThat(keptOf(15, 10, 2)).isEqualTo(20);
    assertThat(keptOf(15, 10, 2)).isEqualTo(keptOf(15, 10, 2));
  }

  @Test
  void shouldKeepEveryFrameWhenTargetExceedsSourceFpsOrIsZero() {
    assertThat(keptOf(10, 3, 30)).isEqualTo(30);
    assertThat(keptOf(10, 3, 0)).isEqualTo(30);
  }

  @Test
  void shouldRestartScheduleWhenSourceStallsInsteadOfBursting() {
    FrameSampler s = new FrameSampler(2);
    assertThat(s.accept(0)).isTrue();
    // a 10 s stall must not let the next 20 frames through to catch up
    assertThat(s.accept(10_000)).isTrue();
    assertThat(s.accept(10_100)).isFalse();
    assertThat(s.accept(10_500)).isTrue();
    assertThat(s.dropped()).isEqualTo(1);
    assertThat(s.kept()).isEqualTo(3);
  }
}
