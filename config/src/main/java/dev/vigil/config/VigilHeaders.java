package dev.vigil.config;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Kafka header names of the frame, audio and dead-letter contracts, with helpers that read and
 * write their values as UTF-8 decimal strings (readable by kcat and any other tool).
 */
public final class VigilHeaders {
  public static final String CAMERA = "vigil.camera";
  public static final String SEQ = "vigil.seq";
  public static final String WIDTH = "vigil.width";
  public static final String HEIGHT = "vigil.height";
  public static final String MOTION = "vigil.motion";
  public static final String KEYFRAME = "vigil.keyframe";
  public static final String RATE = "vigil.rate";
  public static final String SCHEMA = "vigil.schema";

  /** Milliseconds of sound an audio-features record covers. */
  public static final String DURATION_MS = "vigil.duration.ms";

  public static final String SCHEMA_VERSION = "1";

  public static final String DLQ_TOPIC = "vigil.dlq.topic";
  public static final String DLQ_PARTITION = "vigil.dlq.partition";
  public static final String DLQ_OFFSET = "vigil.dlq.offset";
  public static final String DLQ_REASON = "vigil.dlq.reason";

  /** A short, fixed code for the reason, such as {@code bad_id} (the metric's label). */
  public static final String DLQ_CODE = "vigil.dlq.code";

  /** The class of the exception that caused the dead letter, when one did. */
  public static final String DLQ_EXCEPTION = "vigil.dlq.exception";

  /** The size of the original value, set when it was too large to keep as the payload. */
  public static final String DLQ_SIZE = "vigil.dlq.size";

  private VigilHeaders() {}

  public static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  public static void put(Headers headers, String name, long value) {
    put(headers, name, Long.toString(value));
  }

  public static void put(Headers headers, String name, double value) {
    put(headers, name, Double.toString(value));
  }

  /** Returns the last value of the header, or null when absent. */
  public static String get(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Returns the header as a long, or {@code fallback} when absent or not a number. */
  public static long getLong(Headers headers, String name, long fallback) {
    return getParsed(headers, name, Long::parseLong, fallback);
  }

  /** Returns the header as a double, or {@code fallback} when absent or not a number. */
  public static double getDouble(Headers headers, String name, double fallback) {
    return getParsed(headers, name, Double::parseDouble, fallback);
  }

  private static <T> T getParsed(
      Headers headers, String name, Function<String, T> parse, T fallback) {
    String v = get(headers, name);
    if (v == null) {
      return fallback;
    }
    try {
      return parse.apply(v.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
