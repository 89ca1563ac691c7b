package dev.vigil.alerts;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry schedule of the alerts module: exponential from {@code initial} to {@code max},
 * with up to 20% jitter so that many clients do not retry in step. Not thread-safe: one instance
 * per retry loop.
 */
final class Backoff {
  static final Duration DEFAULT_INITIAL = Duration.ofMillis(200);
  static final Duration DEFAULT_MAX = Duration.ofSeconds(5);

  private final long initialMillis;
  private final long maxMillis;
  private long nextMillis;
  private int attempts;

  Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max");
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.nextMillis = initialMillis;
  }

  /** 200 ms doubling up to 5 s. */
  static Backoff defaults() {
    return new Backoff(DEFAULT_INITIAL, DEFAULT_MAX);
  }

  /** The delay before the next attempt; each call doubles the following one, up to the cap. */
  Duration next() {
    long base = nextMillis;
    nextMillis = Math.min(maxMillis, nextMillis * 2);
    attempts++;
    long jitter = base / 5 == 0 ? 0 : ThreadLocalRandom.current().nextLong(base / 5 + 1);
    return Duration.ofMillis(Math.min(maxMillis, base - base / 10 + jitter));
  }

  /** Back to the initial delay, after a success. */
  void reset() {
    nextMillis = initialMillis;
    attempts = 0;
  }

  /** Failed attempts since the last success. */
  int attempts() {
    return attempts;
  }
}
