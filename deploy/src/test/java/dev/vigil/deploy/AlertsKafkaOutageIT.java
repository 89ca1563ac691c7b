package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.AlertsHealth;
import dev.vigil.alerts.AlertsMetrics;
import dev.vigil.alerts.MosquittoBroker;
import dev.vigil.alerts.StatePublisher;
import dev.vigil.alerts.TestSubscriber;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts while the embedded Kafka broker goes away and comes back on the same port and data: the
 * outage shows in health and the counters, nothing dies, and what is written afterwards is
 * published.
 */
class AlertsKafkaOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dir;

  private static Violation violation(String camera, int n) {
    return new Violation(
        Violation.SCHEMA,
        Violation.episodeId(camera, "p", n),
        Violation.State.OPEN,
        camera,
        new Violation.PromptRef("p", "How many people are in view?"),
        1.0,
        n,
        null,
        Violation.Severity.WARNING,
        new Violation.Evidence(List.of(), Map.of(), null, null));
  }

  private static void send(String bootstrap, Violation v) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.defaults().violations(), v.camera() + "/p", Json.toBytes(v)))
          .get();
    }
  }

  private static void await(BooleanSupplier condition, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT + " waiting for " + what.get());
      }
      Thread.sleep(100);
    }
  }

  @Test
  void shouldShowKafkaOutageInHealthAndPublishWhatIsWrittenAfterItEnds() throws Exception {
    MosquittoBroker.assumeInstalled();
    Path kafkaDir = dir.resolve("kafka");
    EmbeddedKafka kafka = EmbeddedKafka.start(0, kafkaDir);
    int port = kafka.port();
    try (MosquittoBroker mqtt = MosquittoBroker.in(dir.resolve("mosquitto")).start();
        TestSubscriber sub = new TestSubscriber(mqtt.url(), "it-sub", false, "vigil/#")) {
      Topics topics = Topics.defaults();
      kafka.createTopics(
          Map.of(topics.violations(), 1, topics.observations(), 1, topics.cameraStatus(), 1),
          Set.of(topics.cameraStatus()));
      SiteConfig site =
          new SiteConfig(
              "outage",
              new SiteConfig.Kafka(kafka.bootstrapServers(), Topics.DEFAULT_PREFIX, Map.of()),
              new SiteConfig.Mqtt(mqtt.url(), null, null, null, null, null),
              new SiteConfig.Model(null, 1),
              List.of(),
              List.of());
      Violation before = violation("cam1", 1);
      Violation after = violation("cam1", 2);
      send(kafka.bootstrapServers(), before);
      try (AlertsRunner alerts =
          new AlertsRunner(
                  site, dir.resolve("mqtt"), a -> {}, StatePublisher.Options.defaults(), "it")
              .start()) {
        sub.await(r -> r.payload().contains(before.id()), WAIT);
        await(() -> alerts.health().ready(), () -> "ready: " + alerts.health());

        kafka.close();

        await(
            () -> alerts.health().checks().get("violations").contains("kafka unreachable"),
            () -> "the outage in health: " + alerts.health());
        AlertsHealth during = alerts.health();
        assertThat(during.live()).isTrue();
        assertThat(during.ready()).isFalse();
        assertThat(alerts.metrics().retryCount(AlertsMetrics.KAFKA_POLL)).isPositive();
        assertThat(alerts.failed()).isNotDone();

        kafka = EmbeddedKafka.start(port, kafkaDir);
        send(kafka.bootstrapServers(), after);

        sub.await(r -> r.payload().contains(after.id()), WAIT);
        await(() -> alerts.health().ready(), () -> "ready again: " + alerts.health());
        assertThat(alerts.failed()).isNotDone();
      }
    } finally {
      kafka.close();
    }
  }
}
