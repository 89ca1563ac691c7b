package dev.vigil.alerts;

import dev.vigil.config.JsonSerde;
import dev.vigil.config.Violation;
import org.apache.kafka.common.serialization.Deserializer;

/** A Kafka deserializer for {@link Violation} JSON, named by class in consumer properties. */
public final class ViolationDeserializer implements Deserializer<Violation> {
  private final Deserializer<Violation> delegate = JsonSerde.violation().deserializer();

  @Override
  public Violation deserialize(String topic, byte[] data) {
    return delegate.deserialize(topic, data);
  }
}
