package dev.vigil.processor;

import dev.vigil.processor.dashboard.VigilMetrics;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Adds the time a serializer or deserializer takes to a stage of {@link VigilMetrics}, so the
 * per-frame cost of JSON for state stores and output records shows next to the model's.
 */
final class TimedSerde {
  private TimedSerde() {}

  static <T> Serde<T> of(String stage, Serde<T> inner, VigilMetrics metrics) {
    return Serdes.serdeFrom(
        serializer(stage, inner.serializer(), metrics),
        deserializer(stage, inner.deserializer(), metrics));
  }

  static <T> Serializer<T> serializer(String stage, Serializer<T> inner, VigilMetrics metrics) {
    return (topic, value) -> {
      long t0 = System.nanoTime();
      byte[] bytes = inner.serialize(topic, value);
      metrics.stage(stage, (System.nanoTime() - t0) / 1e9);
      return bytes;
    };
  }

  private static <T> Deserializer<T> deserializer(
      String stage, Deserializer<T> inner, VigilMetrics metrics) {
    return (topic, bytes) -> {
      long t0 = System.nanoTime();
      T value = inner.deserialize(topic, bytes);
      metrics.stage(stage, (System.nanoTime() - t0) / 1e9);
      return value;
    };
  }
}
