package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.MosquittoBroker;
import dev.vigil.alerts.TestSubscriber;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first start after the upgrade to site-derived group ids: what the old {@code vigil-alerts}
 * group had committed is not published again.
 */
class AlertsGroupMigrationIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static Violation violation(int n) {
    return TestViolations.open("cam1", "p", n, Map.of());
  }

  private static long committed(Admin admin, TopicPartition tp) throws Exception {
    OffsetAndMetadata om =
        admin
            .listConsumerGroupOffsets("vigil-upgraded-alerts")
            .partitionsToOffsetAndMetadata()
            .get()
            .get(tp);
    return om == null ? -1 : om.offset();
  }

  @Test
  void shouldNotPublishAgainWhatTheOldGroupHadCommittedWhenStartingWithSiteGroup()
      throws Exception {
    MosquittoBroker.assumeInstalled();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        MosquittoBroker mqtt = MosquittoBroker.in(dir.resolve("mosquitto")).start();
        TestSubscriber sub = new TestSubscriber(mqtt.url(), "it-sub", false, "vigil/#")) {
      Topics topics = Topics.defaults();
      kafka.createTopics(
          Map.of(topics.violations(), 1, topics.observations(), 1, topics.cameraStatus(), 1),
          Set.of(topics.cameraStatus()));
      TestViolations.send(
          kafka.bootstrapServers(), topics.violations(), violation(0), violation(1), violation(2));
      TopicPartition tp = new TopicPartition(topics.violations(), 0);
      Properties a = new Properties();
      a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (Admin admin = Admin.create(a)) {
        // The old version had published and committed the first two.
        admin
            .alterConsumerGroupOffsets("vigil-alerts", Map.of(tp, new OffsetAndMetadata(2)))
            .all()
            .get();
        SiteConfig site = TestSites.alertsOnly("upgraded", kafka.bootstrapServers(), mqtt.url());

        try (AlertsRunner alerts = new AlertsRunner(site, dir.resolve("mqtt"), x -> {}, "it")) {
          alerts.start();
          sub.await(r -> r.payload().contains(violation(2).id()), WAIT);
          long deadline = System.nanoTime() + WAIT.toNanos();
          while (committed(admin, tp) != 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
          }
        }

        assertThat(sub.received())
            .noneMatch(r -> r.payload().contains(violation(0).id()))
            .noneMatch(r -> r.payload().contains(violation(1).id()));
        assertThat(committed(admin, tp)).isEqualTo(3);
      }
    }
  }
}
