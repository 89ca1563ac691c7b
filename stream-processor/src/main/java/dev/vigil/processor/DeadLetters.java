package dev.vigil.processor;

import dev.vigil.config.VigilHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes a record that cannot be processed to {@code vigil.dlq}, with its origin and a reason. */
final class DeadLetters {
  static final String SINK = "dlq-sink";
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private DeadLetters() {}

  static void send(
      ProcessorContext<String, Object> context, Record<String, byte[]> record, String reason) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    context
        .recordMetadata()
        .ifPresent(
            m -> {
              VigilHeaders.put(headers, VigilHeaders.DLQ_TOPIC, m.topic());
              VigilHeaders.put(headers, VigilHeaders.DLQ_PARTITION, m.partition());
              VigilHeaders.put(headers, VigilHeaders.DLQ_OFFSET, m.offset());
            });
    VigilHeaders.put(headers, VigilHeaders.DLQ_REASON, reason);
    LOG.warn("dead-lettered record key={} : {}", record.key(), reason);
    context.forward(
        new Record<String, Object>(record.key(), record.value(), record.timestamp(), headers),
        SINK);
  }
}
