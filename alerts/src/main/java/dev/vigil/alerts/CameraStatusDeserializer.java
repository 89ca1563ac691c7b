package dev.vigil.alerts;

import dev.vigil.config.CameraStatus;
import dev.vigil.config.JsonSerde;
import org.apache.kafka.common.serialization.Deserializer;

/** A Kafka deserializer for {@link CameraStatus} JSON (null for a tombstone), named by class. */
public final class CameraStatusDeserializer implements Deserializer<CameraStatus> {
  private final Deserializer<CameraStatus> delegate =
      new JsonSerde<>(CameraStatus.class).deserializer();

  @Override
  public CameraStatus deserialize(String topic, byte[] data) {
    return delegate.deserialize(topic, data);
  }
}
