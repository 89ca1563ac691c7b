package dev.vigil.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JitSettlingTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void shouldSettleOnlyOnceTheLastSpanCompiledLessThanTheLimit() {
    JitSettling jit = new JitSettling(Duration.ofSeconds(10), 0.05);
    long ms = 0;
    // Compiling 0.3 cores for 20 s: never settled.
    for (int s = 0; s <= 20; s++) {
      assertThat(jit.settled(s * SECOND, ms)).as("second %d", s).isFalse();
      ms += 300;
    }
    // Then 0.02 cores: settled once the busy seconds have left the 10 s span. At second 30 the
    // span [20, 30] still holds 500 ms (0.05 cores, not below the limit); at 31 it holds 200 ms.
    int firstSettled = -1;
    for (int s = 21; s <= 40 && firstSettled < 0; s++) {
      ms += 20;
      if (jit.settled(s * SECOND, ms)) {
        firstSettled = s;
      }
    }
    assertThat(firstSettled).isEqualTo(31);
  }

  @Test
  void shouldNotSettleBeforeTheSamplesCoverTheSpan() {
    JitSettling jit = new JitSettling(Duration.ofSeconds(10), 0.05);

    assertThat(jit.settled(0, 1000)).isFalse();
    assertThat(jit.settled(5 * SECOND, 1000)).isFalse();
    assertThat(jit.settled(9 * SECOND, 1000)).isTrue();
  }
}
