package dev.vigil.processor;

import dev.vigil.config.VigilHeaders;
import dev.vigil.processor.dashboard.VigilMetrics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a record that cannot be processed to {@code vigil.dlq}: its origin (topic, partition,
 * offset), a short reason code, a one-line reason and, when an exception caused it, its class. The
 * payload is the original value only up to {@link #MAX_PAYLOAD_BYTES}; a larger one is left out
 * (its size is in a header), so a dead letter can never itself be too large to store.
 */
final class DeadLetters {
  static final String SINK = "dlq-sink";

  /** The largest original value kept as the dead letter's payload. */
  static final int MAX_PAYLOAD_BYTES = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private DeadLetters() {}

  /** Why a record was dead-lettered: a short code for metrics and a one-line reason for people. */
  record Reason(String code, String text, Class<? extends Throwable> exception) {
    Reason(String code, String text) {
      this(code, text, null);
    }
  }

  /** Forwards the dead letter of {@code record} inside the running transaction. */
  static void send(
      ProcessorContext<String, Object> context,
      VigilMetrics metrics,
      Record<String, byte[]> record,
      Reason reason) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    context.recordMetadata().ifPresent(m -> origin(headers, m.topic(), m.partition(), m.offset()));
    metrics.deadLetter(reason.code());
    context.forward(
        new Record<String, Object>(
            record.key(), payload(headers, record.value(), reason), record.timestamp(), headers),
        SINK);
  }

  static void origin(Headers headers, String topic, int partition, long offset) {
    VigilHeaders.put(headers, VigilHeaders.DLQ_TOPIC, topic);
    VigilHeaders.put(headers, VigilHeaders.DLQ_PARTITION, partition);
    VigilHeaders.put(headers, VigilHeaders.DLQ_OFFSET, offset);
  }

  /**
   * Adds the reason headers and returns the payload to store: the value itself when small, else
   * null with its size in {@link VigilHeaders#DLQ_SIZE}.
   */
  static byte[] payload(Headers headers, byte[] value, Reason reason) {
    VigilHeaders.put(headers, VigilHeaders.DLQ_REASON, oneLine(reason.text()));
    VigilHeaders.put(headers, VigilHeaders.DLQ_CODE, reason.code());
    if (reason.exception() != null) {
      VigilHeaders.put(headers, VigilHeaders.DLQ_EXCEPTION, reason.exception().getName());
    }
    LOG.warn(
        "dead-lettered a record from {} at offset {}: {}",
        VigilHeaders.get(headers, VigilHeaders.DLQ_TOPIC),
        VigilHeaders.get(headers, VigilHeaders.DLQ_OFFSET),
        oneLine(reason.text()));
    if (value == null || value.length <= MAX_PAYLOAD_BYTES) {
      return value;
    }
    VigilHeaders.put(headers, VigilHeaders.DLQ_SIZE, value.length);
    return null;
  }

  /** A reason fit for a header and a log line: one line, at most 300 characters. */
  static String oneLine(String text) {
    String s = text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return s.length() > 300 ? s.substring(0, 297) + "..." : s;
  }
}
