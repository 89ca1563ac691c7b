package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.AlertsHealth;
import dev.vigil.alerts.AlertsMetrics;
import dev.vigil.alerts.MosquittoBroker;
import dev.vigil.alerts.StatePublisher;
import dev.vigil.alerts.TestSubscriber;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
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
      SiteConfig site = TestSites.alertsOnly("outage", kafka.bootstrapServers(), mqtt.url());
      Violation before = TestViolations.open("cam1", "p", 1, Map.of());
      Violation after = TestViolations.open("cam1", "p", 2, Map.of());
      TestViolations.send(kafka.bootstrapServers(), topics.violations(), before);
      try (AlertsRunner alerts =
          new AlertsRunner(
                  site, dir.resolve("mqtt"), a -> {}, StatePublisher.Options.defaults(), "it")
              .start()) {
        sub.await(r -> r.payload().contains(before.id()), WAIT);
        Await.until(() -> alerts.health().ready(), WAIT, () -> "ready: " + alerts.health());

        kafka.close();

        Await.until(
            () -> alerts.health().checks().get("violations").contains("kafka unreachable"),
            WAIT,
            () -> "the outage in health: " + alerts.health());
        AlertsHealth during = alerts.health();
        assertThat(during.live()).isTrue();
        assertThat(during.ready()).isFalse();
        assertThat(alerts.metrics().retryCount(AlertsMetrics.KAFKA_POLL)).isPositive();
        assertThat(alerts.failed()).isNotDone();

        kafka = EmbeddedKafka.start(port, kafkaDir);
        TestViolations.send(kafka.bootstrapServers(), topics.violations(), after);

        sub.await(r -> r.payload().contains(after.id()), WAIT);
        Await.until(() -> alerts.health().ready(), WAIT, () -> "ready again: " + alerts.health());
        assertThat(alerts.failed()).isNotDone();
      }
    } finally {
      kafka.close();
    }
  }
}
