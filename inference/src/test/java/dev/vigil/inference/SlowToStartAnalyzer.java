package dev.vigil.inference;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A frame analyzer on a fake nanosecond clock: its first call costs 10 s, as TensorFlow's first run
 * at a new input shape sets up, and every later call 1 ms. For tests of what a speed figure counts,
 * without sleeping or depending on the machine. Finds nobody.
 */
public final class SlowToStartAnalyzer implements FrameAnalyzer {

  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger calls = new AtomicInteger();

  @Override
  public FrameAnalysis analyze(byte[] encodedImage) {
    clock.addAndGet(calls.incrementAndGet() == 1 ? 10_000_000_000L : 1_000_000L);
    return new FrameAnalysis(1, 1, List.of(), Map.of());
  }

  /** The fake clock, in nanoseconds, for the code under test to time with. */
  public long nanoTime() {
    return clock.get();
  }

  /** How many frames were analysed. */
  public int calls() {
    return calls.get();
  }

  @Override
  public void close() {}
}
