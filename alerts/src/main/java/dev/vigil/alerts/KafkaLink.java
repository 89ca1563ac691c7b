package dev.vigil.alerts;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;

/**
 * Notices a consumer that has lost every broker. {@code poll} does not throw when Kafka is away, it
 * just returns nothing, so the loop reads the client's own {@code connection-count} metric after
 * each poll: no connection for {@link #GRACE_NANOS} shows as retrying in the loop's status (and
 * counts one {@code kafka_poll} retry); the first connection after that shows as running again. A
 * consumer without that metric (a test double) counts as connected. Not thread-safe: one per loop.
 */
final class KafkaLink {
  static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);

  private final Consumer<?, ?> consumer;
  private final LongSupplier nanoClock;
  private Metric connections;
  private boolean lookedUp;
  private long unconnectedSince = -1;
  private boolean reported;

  KafkaLink(Consumer<?, ?> consumer) {
    this(consumer, System::nanoTime);
  }

  KafkaLink(Consumer<?, ?> consumer, LongSupplier nanoClock) {
    this.consumer = consumer;
    this.nanoClock = nanoClock;
  }

  /** Call after each poll. */
  void check(LoopStatus status, AlertsMetrics metrics, Logger log) {
    long now = nanoClock.getAsLong();
    if (connected()) {
      unconnectedSince = -1;
      if (reported) {
        reported = false;
        log.info("Kafka reachable again");
        status.running();
      }
      return;
    }
    if (unconnectedSince < 0) {
      unconnectedSince = now;
    } else if (!reported && now - unconnectedSince >= GRACE_NANOS) {
      reported = true;
      metrics.retried(AlertsMetrics.KAFKA_POLL);
      status.retrying("kafka unreachable: no connection to any broker", null);
      log.warn("no connection to any Kafka broker; the client keeps reconnecting");
    }
  }

  /** Whether the loop showed Kafka as unreachable and has not seen it back yet. */
  boolean unreachable() {
    return reported;
  }

  private boolean connected() {
    if (!lookedUp) {
      lookedUp = true;
      for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
        if (e.getKey().name().equals("connection-count")
            && e.getKey().group().equals("consumer-metrics")) {
          connections = e.getValue();
        }
      }
    }
    if (connections == null) {
      return true;
    }
    Object value = connections.metricValue();
    return !(value instanceof Number n) || n.doubleValue() > 0;
  }
}
