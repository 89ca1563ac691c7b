package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void shouldDoubleUpToCapWithinJitterAndStartOverAfterReset() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000));

    long[] bases = {100, 200, 400, 800, 1_000, 1_000};
    for (long base : bases) {
      long d = b.next().toMillis();
      assertThat(d).isBetween(base - base / 10, Math.min(1_000, base + base / 10));
    }
    assertThat(b.attempts()).isEqualTo(6);

    b.reset();
    assertThat(b.attempts()).isZero();
    assertThat(b.next().toMillis()).isBetween(90L, 110L);
  }
}
