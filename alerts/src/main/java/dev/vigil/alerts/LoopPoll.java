package dev.vigil.alerts;

import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordDeserializationException;

/**
 * One poll of an alerts consumer loop, the same for every loop: a record that cannot be decoded is
 * skipped (logged, counted, sought past), an error that may pass is retried after the loop's
 * backoff and shows in its status, a fatal one and a wakeup are thrown to the loop. Used by one
 * loop thread only.
 *
 * @param consumer the loop's consumer
 * @param timeout how long one poll may wait for records
 * @param link notices a consumer that has lost every broker
 * @param backoff the loop's backoff between failed polls
 * @param loop what the loop's parts share
 */
record LoopPoll<V>(
    Consumer<String, V> consumer,
    Duration timeout,
    KafkaLink link,
    Backoff backoff,
    LoopContext loop) {

  ConsumerRecords<String, V> poll() {
    try {
      ConsumerRecords<String, V> records = consumer.poll(timeout);
      if (backoff.attempts() > 0) {
        loop.log()
            .info("{} consumer recovered after {} retries", loop.source(), backoff.attempts());
        backoff.reset();
        loop.status().running();
      }
      link.check(loop.status(), loop.metrics().get(), loop.log());
      return records;
    } catch (RecordDeserializationException e) {
      // Nothing can ever be published for it: skip it, loudly.
      loop.log()
          .error(
              "skipping undecodable {} record {} at offset {}: {}",
              loop.source(),
              e.topicPartition(),
              e.offset(),
              e.getMessage());
      loop.metrics().get().skipped(loop.source(), AlertsMetrics.UNDECODABLE);
      consumer.seek(e.topicPartition(), e.offset() + 1);
      return ConsumerRecords.empty();
    } catch (KafkaException e) {
      KafkaFailures.throwUnlessRetriable(e);
      loop.retryAfterBackoff(
          "kafka poll of " + loop.source() + " failed", e, AlertsMetrics.KAFKA_POLL, backoff);
      return ConsumerRecords.empty();
    }
  }
}
