package dev.vigil.deploy;

import dev.vigil.alerts.Violations;
import dev.vigil.config.Json;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.Violation;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Violations for tests of the alerts side, and plain ways to write them to Kafka and read them. */
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

  /**
   * A reader of the violations on {@code topic} that producers committed, from the start, in a
   * consumer group of its own; the caller closes it.
   */
  static KafkaConsumer<String, Violation> committedReader(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, Violation> c =
        new KafkaConsumer<>(p, new StringDeserializer(), JsonSerde.violation().deserializer());
    c.subscribe(List.of(topic));
    return c;
  }
}
