package dev.vigil.alerts;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The alerts side's counters, shared by its loops, readable one by one (tests, health) and as
 * Prometheus text ({@link #render}). Thread-safe; holds no resources.
 */
public final class AlertsMetrics {
  /** Where a record came from, the {@code source} label. */
  public static final String VIOLATIONS = "violations";

  public static final String OBSERVATIONS = "observations";
  public static final String CAMERA_STATUS = "camera_status";

  /** Why a record was skipped, the {@code reason} label. */
  public static final String INVALID_CAMERA_ID = "invalid_camera_id";

  /** A violation the multimodal model rejected under {@code verify: vlm}, mode gate. */
  public static final String REJECTED_BY_MODEL = "rejected_by_model";

  public static final String UNDECODABLE = "undecodable";
  public static final String INVALID_VALUE = "invalid_value";

  /** What was retried, the {@code operation} label. */
  public static final String MQTT_PUBLISH = "mqtt_publish";

  public static final String KAFKA_POLL = "kafka_poll";
  public static final String KAFKA_COMMIT = "kafka_commit";

  private final Map<List<String>, LongAdder> published = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> skipped = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> retries = new ConcurrentHashMap<>();
  private final Map<List<String>, LongAdder> refused = new ConcurrentHashMap<>();

  /** Counts one message the MQTT broker acknowledged, by source. */
  void published(String source) {
    published.computeIfAbsent(List.of(source), k -> new LongAdder()).increment();
  }

  /** Counts one record that can never be published, skipped and committed past. */
  void skipped(String source, String reason) {
    skipped.computeIfAbsent(List.of(source, reason), k -> new LongAdder()).increment();
  }

  /** Counts one failed attempt that will be retried after a backoff. */
  void retried(String operation) {
    retries.computeIfAbsent(List.of(operation), k -> new LongAdder()).increment();
  }

  /**
   * Counts one message the MQTT broker refused in its PUBACK (an MQTT v5 reason code of 0x80 or
   * more, such as 135 not authorized by its ACL): not delivered, never committed past.
   */
  void refused(String source, int reasonCode) {
    refused
        .computeIfAbsent(List.of(source, Integer.toString(reasonCode)), k -> new LongAdder())
        .increment();
  }

  public long refusedCount(String source, int reasonCode) {
    return sum(refused, List.of(source, Integer.toString(reasonCode)));
  }

  public long publishedCount(String source) {
    return sum(published, List.of(source));
  }

  public long skippedCount(String source, String reason) {
    return sum(skipped, List.of(source, reason));
  }

  public long retryCount(String operation) {
    return sum(retries, List.of(operation));
  }

  private static long sum(Map<List<String>, LongAdder> counter, List<String> key) {
    LongAdder a = counter.get(key);
    return a == null ? 0 : a.sum();
  }

  /** The counters in the Prometheus text exposition format 0.0.4. */
  public String render() {
    StringBuilder b = new StringBuilder();
    counter(
        b,
        "vigil_alerts_published_total",
        "Messages the MQTT broker acknowledged, by source.",
        published,
        "source");
    counter(
        b,
        "vigil_alerts_skipped_total",
        "Records that can never be published (logged, counted, committed past).",
        skipped,
        "source",
        "reason");
    counter(
        b,
        "vigil_alerts_retries_total",
        "Failed attempts retried after a backoff, by operation.",
        retries,
        "operation");
    counter(
        b,
        "vigil_alerts_refused_total",
        "Messages the MQTT broker refused in its PUBACK (such as reason code 135, not"
            + " authorized), by source and reason code; never counted as published.",
        refused,
        "source",
        "reason_code");
    return b.toString();
  }

  private static void counter(
      StringBuilder b,
      String name,
      String help,
      Map<List<String>, LongAdder> values,
      String... labels) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n");
    Map<String, Long> lines = new TreeMap<>();
    values.forEach(
        (key, adder) -> {
          StringBuilder l = new StringBuilder(name).append('{');
          for (int i = 0; i < labels.length; i++) {
            l.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(key.get(i));
            l.append('"');
          }
          lines.put(l.append('}').toString(), adder.sum());
        });
    lines.forEach((line, v) -> b.append(line).append(' ').append(v).append('\n'));
  }
}
