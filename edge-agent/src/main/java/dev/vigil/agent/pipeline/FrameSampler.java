package dev.vigil.agent.pipeline;

/**
 * Samples frames down to a target fps by capture timestamp, so the result depends only on the
 * timestamps (deterministic for files). A frame is kept when it reaches the next due time; the due
 * time then advances by one period, or restarts from the frame when the source fell behind.
 *
 * <p>Not thread-safe: one per camera loop. No resources.
 */
public final class FrameSampler {
  // Capture times are whole milliseconds, so allow one ms of rounding before a due time.
  private static final long TOLERANCE_MS = 1;

  private final double periodMs;
  private double dueMs = Double.NaN;
  private long kept;
  private long dropped;

  /**
   * @param fps target rate; zero or negative keeps every frame
   */
  public FrameSampler(double fps) {
    this.periodMs = fps > 0 ? 1000.0 / fps : 0;
  }

  /** Returns true when the frame captured at {@code captureTimeMs} should be kept. */
  public boolean accept(long captureTimeMs) {
    if (periodMs == 0) {
      kept++;
      return true;
    }
    if (Double.isNaN(dueMs) || captureTimeMs + TOLERANCE_MS >= dueMs) {
      boolean behind = Double.isNaN(dueMs) || captureTimeMs >= dueMs + periodMs;
      dueMs = behind ? captureTimeMs + periodMs : dueMs + periodMs;
      kept++;
      return true;
    }
    dropped++;
    return false;
  }

  public long kept() {
    return kept;
  }

  public long dropped() {
    return dropped;
  }
}
