package dev.vigil.alerts;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * One poll of an alerts consumer loop, the same for every loop: a record that cannot be decoded is
 * skipped (logged, counted, sought past), an error that may pass is retried after the loop's
 * backoff and shows in its status, a fatal one and a wakeup are thrown to the loop. Used by one
 * loop thread only.
 */
final class LoopPoll<V> {
  private final Consumer<String, V> consumer;
  private final String source;
  private final Duration timeout;
  private final LoopStatus status;
  private final KafkaLink link;
  private final Backoff backoff;
  private final Supplier<AlertsMetrics> metrics;
  private final Logger log;
  private final CountDownLatch stopped;

  /**
   * @param source the metrics {@code source} label, also named in logs
   * @param metrics the loop's current counters
   * @param stopped counted down when the loop is asked to stop; ends a backoff early
   */
  LoopPoll(
      Consumer<String, V> consumer,
      String source,
      Duration timeout,
      LoopStatus status,
      KafkaLink link,
      Backoff backoff,
      Supplier<AlertsMetrics> metrics,
      Logger log,
      CountDownLatch stopped) {
    this.consumer = consumer;
    this.source = source;
    this.timeout = timeout;
    this.status = status;
    this.link = link;
    this.backoff = backoff;
    this.metrics = metrics;
    this.log = log;
    this.stopped = stopped;
  }

  ConsumerRecords<String, V> poll() {
    try {
      ConsumerRecords<String, V> records = consumer.poll(timeout);
      if (backoff.attempts() > 0) {
        log.info("{} consumer recovered after {} retries", source, backoff.attempts());
        backoff.reset();
        status.running();
      }
      link.check(status, metrics.get(), log);
      return records;
    } catch (RecordDeserializationException e) {
      // Nothing can ever be published for it: skip it, loudly.
      log.error(
          "skipping undecodable {} record {} at offset {}: {}",
          source,
          e.topicPartition(),
          e.offset(),
          e.getMessage());
      metrics.get().skipped(source, AlertsMetrics.UNDECODABLE);
      consumer.seek(e.topicPartition(), e.offset() + 1);
      return ConsumerRecords.empty();
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      if (KafkaFailures.fatal(e)) {
        throw e;
      }
      status.retryAfterBackoff(
          "kafka poll of " + source + " failed",
          e,
          AlertsMetrics.KAFKA_POLL,
          metrics.get(),
          backoff,
          log,
          stopped);
      return ConsumerRecords.empty();
    }
  }
}
