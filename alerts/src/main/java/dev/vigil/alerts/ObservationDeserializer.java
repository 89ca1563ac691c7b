package dev.vigil.alerts;

import dev.vigil.config.JsonSerde;
import dev.vigil.config.Observation;
import org.apache.kafka.common.serialization.Deserializer;

/** A Kafka deserializer for {@link Observation} JSON, named by class in consumer properties. */
public final class ObservationDeserializer implements Deserializer<Observation> {
  private final Deserializer<Observation> delegate = JsonSerde.observation().deserializer();

  @Override
  public Observation deserialize(String topic, byte[] data) {
    return delegate.deserialize(topic, data);
  }
}
