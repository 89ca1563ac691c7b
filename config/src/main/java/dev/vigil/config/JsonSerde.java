package dev.vigil.config;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one of Vigil's JSON records. A null value maps to null both ways (tombstones).
 * Deserialising bad JSON throws, so that Kafka Streams' deserialization handler can route the
 * record to the dead-letter topic.
 */
public final class JsonSerde<T> implements Serde<T> {
  private final Class<T> type;

  public JsonSerde(Class<T> type) {
    this.type = type;
  }

  public static Serde<Observation> observation() {
    return new JsonSerde<>(Observation.class);
  }

  public static Serde<Violation> violation() {
    return new JsonSerde<>(Violation.class);
  }

  public static Serde<PromptSpec> promptSpec() {
    return new JsonSerde<>(PromptSpec.class);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, data) -> data == null ? null : Json.toBytes(data);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> data == null ? null : Json.fromBytes(data, type);
  }
}
