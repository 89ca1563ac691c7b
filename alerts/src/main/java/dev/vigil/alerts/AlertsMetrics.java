package dev.vigil.alerts;

import dev.vigil.config.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The alerts side's counters, shared by its loops: named meters on the service's Micrometer
 * registry, readable one by one (tests, health) and as Prometheus text ({@link #render}, with
 * everything else on the registry). Thread-safe; the registry belongs to whoever passed it in.
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

  private static final String PUBLISHED = "vigil.alerts.published";
  private static final String SKIPPED = "vigil.alerts.skipped";
  private static final String RETRIES = "vigil.alerts.retries";
  private static final String REFUSED = "vigil.alerts.refused";

  private final ServiceMetrics service;
  private final MeterRegistry registry;

  /** Counters on a registry of their own, with no JVM meters (a loop run alone). */
  public AlertsMetrics() {
    this(ServiceMetrics.bare());
  }

  /** Counters on the registry of {@code service}, which serves them with its other meters. */
  public AlertsMetrics(ServiceMetrics service) {
    this.service = service;
    this.registry = service.registry();
  }

  /** The registry these counters are on. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Counts one message the MQTT broker acknowledged, by source. */
  void published(String source) {
    counter(PUBLISHED, "Messages the MQTT broker acknowledged, by source.", "source", source)
        .increment();
  }

  /** Counts one record that can never be published, skipped and committed past. */
  void skipped(String source, String reason) {
    counter(
            SKIPPED,
            "Records that can never be published (logged, counted, committed past).",
            "source",
            source,
            "reason",
            reason)
        .increment();
  }

  /** Counts one failed attempt that will be retried after a backoff. */
  void retried(String operation) {
    counter(
            RETRIES,
            "Failed attempts retried after a backoff, by operation.",
            "operation",
            operation)
        .increment();
  }

  /**
   * Counts one message the MQTT broker refused in its PUBACK (an MQTT v5 reason code of 0x80 or
   * more, such as 135 not authorized by its ACL): not delivered, never committed past.
   */
  void refused(String source, int reasonCode) {
    counter(
            REFUSED,
            "Messages the MQTT broker refused in its PUBACK (such as reason code 135, not"
                + " authorized), by source and reason code; never counted as published.",
            "source",
            source,
            "reason_code",
            Integer.toString(reasonCode))
        .increment();
  }

  public long refusedCount(String source, int reasonCode) {
    return count(REFUSED, "source", source, "reason_code", Integer.toString(reasonCode));
  }

  public long publishedCount(String source) {
    return count(PUBLISHED, "source", source);
  }

  public long skippedCount(String source, String reason) {
    return count(SKIPPED, "source", source, "reason", reason);
  }

  public long retryCount(String operation) {
    return count(RETRIES, "operation", operation);
  }

  /** Every meter of the registry in the Prometheus text exposition format 0.0.4. */
  public String render() {
    return service.scrape();
  }

  private Counter counter(String name, String help, String... tags) {
    return Counter.builder(name).description(help).tags(tags).register(registry);
  }

  private long count(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : (long) c.count();
  }
}
