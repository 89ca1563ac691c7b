package dev.vigil.deploy.bench;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Decides when the JIT compiler has settled: the compile time it spent over the last {@code span}
 * is below {@code maxCores} of a core. Fed with samples of the JVM's total compilation time. Not
 * thread-safe.
 */
final class JitSettling {

  private final long spanNanos;
  private final double maxCores;
  private final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {nanos, compile millis}

  JitSettling(Duration span, double maxCores) {
    this.spanNanos = span.toNanos();
    this.maxCores = maxCores;
  }

  /**
   * Adds a sample and says whether the compiler has settled. Until the samples cover nine tenths of
   * the span, it has not.
   *
   * @param nanos a monotonic clock ({@link System#nanoTime()})
   * @param compileMillis the JVM's total compilation time so far
   */
  boolean settled(long nanos, long compileMillis) {
    samples.addLast(new long[] {nanos, compileMillis});
    while (nanos - samples.peekFirst()[0] > spanNanos) {
      samples.removeFirst();
    }
    long[] oldest = samples.peekFirst();
    long covered = nanos - oldest[0];
    if (covered < spanNanos * 9 / 10) {
      return false;
    }
    double cores = (compileMillis - oldest[1]) / 1e3 / (covered / 1e9);
    return cores < maxCores;
  }
}
