package dev.vigil.processor.vlm;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Counters of the model route, rendered in the Prometheus text format. Thread-safe: the stream
 * threads count requests, the call threads count calls.
 */
public final class VlmMetrics {
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> skipped = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> tokens = new ConcurrentHashMap<>();
  private final DoubleAdder latencySum = new DoubleAdder();
  private final LongAdder latencyCount = new LongAdder();
  private volatile IntSupplier budgetLeft = () -> 0;
  private volatile IntSupplier queued = () -> 0;

  /** A call ended with {@code outcome}: {@code yes}, {@code no}, {@code number}, or an error. */
  void call(String outcome, double latencyS, Integer promptTokens, Integer completionTokens) {
    calls.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    latencySum.add(latencyS);
    latencyCount.increment();
    if (promptTokens != null) {
      tokens.computeIfAbsent("prompt", k -> new LongAdder()).add(promptTokens);
    }
    if (completionTokens != null) {
      tokens.computeIfAbsent("completion", k -> new LongAdder()).add(completionTokens);
    }
  }

  /**
   * A request was not sent: {@code queue_full} (dropped as the oldest), {@code budget}, {@code
   * recorded} (a replay found its answer), {@code no_frame}.
   */
  void skip(String reason) {
    skipped.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  void gauges(IntSupplier budgetLeft, IntSupplier queued) {
    this.budgetLeft = budgetLeft;
    this.queued = queued;
  }

  /** Calls that ended with {@code outcome}. */
  public long calls(String outcome) {
    LongAdder a = calls.get(outcome);
    return a == null ? 0 : a.sum();
  }

  /** Requests not sent for {@code reason}. */
  public long skipped(String reason) {
    LongAdder a = skipped.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** The metrics in the Prometheus text format 0.0.4. */
  public String render() {
    StringBuilder out = new StringBuilder(1024);
    family(out, "vigil_vlm_calls_total", "Calls to the multimodal model by outcome.", "counter");
    new TreeMap<>(calls)
        .forEach((k, v) -> sample(out, "vigil_vlm_calls_total{outcome=\"" + k + "\"}", v.sum()));
    family(
        out,
        "vigil_vlm_skipped_total",
        "Requests not sent: queue_full (oldest dropped), budget, recorded (replayed), no_frame.",
        "counter");
    new TreeMap<>(skipped)
        .forEach((k, v) -> sample(out, "vigil_vlm_skipped_total{reason=\"" + k + "\"}", v.sum()));
    family(out, "vigil_vlm_latency_seconds", "Time of the model's calls.", "summary");
    sample(out, "vigil_vlm_latency_seconds_sum", latencySum.sum());
    sample(out, "vigil_vlm_latency_seconds_count", latencyCount.sum());
    family(out, "vigil_vlm_tokens_total", "Tokens the server reported, by kind.", "counter");
    new TreeMap<>(tokens)
        .forEach((k, v) -> sample(out, "vigil_vlm_tokens_total{kind=\"" + k + "\"}", v.sum()));
    family(out, "vigil_vlm_budget_left", "Calls left in today's budget (UTC).", "gauge");
    sample(out, "vigil_vlm_budget_left", budgetLeft.getAsInt());
    family(out, "vigil_vlm_queue", "Requests waiting for a free call.", "gauge");
    sample(out, "vigil_vlm_queue", queued.getAsInt());
    return out.toString();
  }

  private static void family(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String series, double value) {
    out.append(series).append(' ');
    out.append(value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value));
    out.append('\n');
  }
}
