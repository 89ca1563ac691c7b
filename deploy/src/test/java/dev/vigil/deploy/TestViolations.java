package dev.vigil.deploy;

import dev.vigil.alerts.Violations;
import dev.vigil.config.Json;
import dev.vigil.config.Violation;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Violations for tests of the alerts side, and a plain way to write them to Kafka. */
final class TestViolations {
  private TestViolations() {}

  /**
   * An open warning of {@code prompt} (text "How many people are in view?") on {@code camera},
   * started at {@code startedMs}; its id follows from the three.
   */
  static Violation open(String camera, String prompt, long startedMs, Map<String, Integer> counts) {
    return Violations.open(
        camera,
        prompt,
        "How many people are in view?",
        1.0,
        startedMs,
        Violation.Severity.WARNING,
        counts);
  }

  /** Writes {@code violations} to {@code topic} in order, each acknowledged before the next. */
  static void send(String bootstrap, String topic, Violation... violations) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (Violation v : violations) {
        producer
            .send(
                new ProducerRecord<>(
                    topic, Violation.key(v.camera(), v.prompt().id()), Json.toBytes(v)))
            .get();
      }
    }
  }
}
