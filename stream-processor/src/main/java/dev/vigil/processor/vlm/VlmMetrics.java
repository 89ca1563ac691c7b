package dev.vigil.processor.vlm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The model route's meters, on the processor's registry. Thread-safe: the stream threads count
 * requests, the call threads count calls.
 */
public final class VlmMetrics {
  private final MeterRegistry registry;
  private final Timer latency;
  private volatile IntSupplier budgetLeft = () -> 0;
  private volatile IntSupplier queued = () -> 0;

  /** Registers the route's meters on {@code registry}. */
  public VlmMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.latency =
        Timer.builder("vigil.vlm.latency")
            .description("Time of the model's calls.")
            .register(registry);
    Gauge.builder("vigil.vlm.budget.left", this, m -> m.budgetLeft.getAsInt())
        .description("Calls left in today's budget (UTC).")
        .register(registry);
    Gauge.builder("vigil.vlm.queue", this, m -> m.queued.getAsInt())
        .description("Requests waiting for a free call.")
        .register(registry);
  }

  /** A call ended with {@code outcome}: {@code yes}, {@code no}, {@code number}, or an error. */
  void call(String outcome, double latencyS, Integer promptTokens, Integer completionTokens) {
    callCounter(outcome).increment();
    latency.record(Math.round(latencyS * 1e9), TimeUnit.NANOSECONDS);
    if (promptTokens != null) {
      tokenCounter("prompt").increment(promptTokens);
    }
    if (completionTokens != null) {
      tokenCounter("completion").increment(completionTokens);
    }
  }

  /**
   * A request was not sent: {@code queue_full} (dropped as the oldest), {@code budget}, {@code
   * recorded} (a replay found its answer), {@code no_frame}.
   */
  void skip(String reason) {
    skips(reason).increment();
  }

  void gauges(IntSupplier budgetLeft, IntSupplier queued) {
    this.budgetLeft = budgetLeft;
    this.queued = queued;
  }

  /** Calls that ended with {@code outcome}. */
  public long calls(String outcome) {
    return count("vigil.vlm.calls", "outcome", outcome);
  }

  /** Requests not sent for {@code reason}. */
  public long skipped(String reason) {
    return count("vigil.vlm.skipped", "reason", reason);
  }

  /** Tokens the server reported of {@code kind}, {@code prompt} or {@code completion}. */
  public long tokens(String kind) {
    return count("vigil.vlm.tokens", "kind", kind);
  }

  /** Calls timed so far. */
  public long latencyCount() {
    return latency.count();
  }

  /** Calls left in today's budget. */
  public int budgetLeft() {
    return budgetLeft.getAsInt();
  }

  private Counter callCounter(String outcome) {
    return Counter.builder("vigil.vlm.calls")
        .description("Calls to the multimodal model by outcome.")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter skips(String reason) {
    return Counter.builder("vigil.vlm.skipped")
        .description(
            "Requests not sent: queue_full (oldest dropped), budget, recorded (replayed),"
                + " no_frame.")
        .tag("reason", reason)
        .register(registry);
  }

  private Counter tokenCounter(String kind) {
    return Counter.builder("vigil.vlm.tokens")
        .description("Tokens the server reported, by kind.")
        .tag("kind", kind)
        .register(registry);
  }

  private long count(String name, String tag, String value) {
    Counter c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : (long) c.count();
  }
}
