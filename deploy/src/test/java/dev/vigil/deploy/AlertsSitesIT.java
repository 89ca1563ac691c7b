package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.MosquittoBroker;
import dev.vigil.alerts.StatePublisher;
import dev.vigil.alerts.TestSubscriber;
import dev.vigil.config.CameraStatus;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts of two sites on one embedded Kafka broker (KRaft) and one mosquitto: each site reads its
 * own topics in its own consumer groups and publishes under its own MQTT prefix with its own client
 * id, and a site file that asks for auto-commit and {@code read_uncommitted} gets neither.
 */
class AlertsSitesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  private static SiteConfig site(
      String name, String bootstrap, String mqttUrl, Map<String, String> kafkaProperties) {
    return new SiteConfig(
        name,
        new SiteConfig.Kafka(bootstrap, "vigil." + name + ".", kafkaProperties),
        new SiteConfig.Mqtt(mqttUrl, null, "vigil-alerts-" + name, null, null, null),
        new SiteConfig.Model(null, 1),
        List.of(),
        List.of());
  }

  private static Violation violation(String camera, int n) {
    return TestViolations.open(camera, "p" + n, T0 + n, Map.of("people", 1));
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap, String txId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Writes {@code records} (topic to value) in one transaction, committed or aborted. */
  private static void write(
      KafkaProducer<String, byte[]> producer,
      List<ProducerRecord<String, byte[]>> records,
      boolean commit)
      throws Exception {
    producer.beginTransaction();
    for (ProducerRecord<String, byte[]> r : records) {
      producer.send(r).get();
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.abortTransaction();
    }
  }

  private static ProducerRecord<String, byte[]> record(Topics topics, Violation v) {
    return new ProducerRecord<>(
        topics.violations(), Violation.key(v.camera(), v.prompt().id()), Json.toBytes(v));
  }

  /** Violation ids received per topic. */
  private static Map<String, Set<String>> idsByTopic(TestSubscriber sub) {
    Map<String, Set<String>> ids = new HashMap<>();
    for (TestSubscriber.Received r : sub.received()) {
      if (r.topic().endsWith("/violations")) {
        Violation v = Json.fromBytes(r.payload().getBytes(StandardCharsets.UTF_8), Violation.class);
        ids.computeIfAbsent(r.topic(), k -> new HashSet<>()).add(v.id());
      }
    }
    return ids;
  }

  @Test
  void shouldKeepTwoSitesApartAndIgnoreWeakeningPropertiesWhenTheyShareBrokers() throws Exception {
    MosquittoBroker.assumeInstalled();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        MosquittoBroker mqtt = MosquittoBroker.in(dir.resolve("mosquitto")).start();
        TestSubscriber sub = new TestSubscriber(mqtt.url(), "it-sub", false, "vigil/#")) {
      // North's file tries to weaken the consumer guarantees; it must not succeed.
      SiteConfig north =
          site(
              "north",
              kafka.bootstrapServers(),
              mqtt.url(),
              Map.of(
                  "enable.auto.commit", "true",
                  "auto.commit.interval.ms", "100",
                  "isolation.level", "read_uncommitted",
                  "group.id", "shared-group"));
      SiteConfig south = site("south", kafka.bootstrapServers(), mqtt.url(), Map.of());
      Map<String, Integer> partitions = new HashMap<>();
      Set<String> compacted = new HashSet<>();
      for (SiteConfig s : List.of(north, south)) {
        partitions.put(s.topics().violations(), 1);
        partitions.put(s.topics().observations(), 1);
        partitions.put(s.topics().cameraStatus(), 1);
        compacted.add(s.topics().cameraStatus());
      }
      kafka.createTopics(partitions, compacted);

      // The same camera id on both sites.
      Violation north1 = violation("cam1", 1);
      Violation ghost = violation("cam1", 2); // written, then aborted
      Violation north3 = violation("cam1", 3);
      Violation south4 = violation("cam1", 4);
      Violation south5 = violation("cam2", 5);
      try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers(), "it-tx")) {
        producer.initTransactions();
        write(producer, List.of(record(north.topics(), north1)), true);
        write(producer, List.of(record(north.topics(), ghost)), false);
        write(producer, List.of(record(north.topics(), north3)), true);
        write(
            producer,
            List.of(record(south.topics(), south4), record(south.topics(), south5)),
            true);
        write(
            producer,
            List.of(
                new ProducerRecord<>(
                    north.topics().cameraStatus(),
                    "cam1",
                    Json.toBytes(new CameraStatus("cam1", CameraStatus.OFFLINE, T0, T0)))),
            true);
      }

      try (AlertsRunner a = startAlerts(north, "north-mqtt", "host-1");
          AlertsRunner b = startAlerts(south, "south-mqtt", "host-1");
          // A second alerts process of north, on another host: same groups, its own client id.
          AlertsRunner a2 = startAlerts(north, "north2-mqtt", "host-2")) {
        Await.until(
            () ->
                idsByTopic(sub).getOrDefault("vigil/north/cam1/violations", Set.of()).size() >= 2
                    && idsByTopic(sub).getOrDefault("vigil/south/cam2/violations", Set.of()).size()
                        >= 1
                    && idsByTopic(sub).getOrDefault("vigil/south/cam1/violations", Set.of()).size()
                        >= 1,
            WAIT,
            () -> "each site's violations");
        TestSubscriber.Received offline =
            sub.await(r -> r.topic().equals("vigil/north/cam1/availability"), WAIT);

        Map<String, Set<String>> ids = idsByTopic(sub);
        assertThat(ids)
            .containsOnlyKeys(
                "vigil/north/cam1/violations",
                "vigil/south/cam1/violations",
                "vigil/south/cam2/violations");
        // The aborted violation never reaches MQTT, whatever north's file asked for.
        assertThat(ids.get("vigil/north/cam1/violations"))
            .containsExactlyInAnyOrder(north1.id(), north3.id());
        assertThat(ids.get("vigil/south/cam1/violations")).containsExactly(south4.id());
        assertThat(ids.get("vigil/south/cam2/violations")).containsExactly(south5.id());
        assertThat(offline.payload()).isEqualTo("offline");
        assertThat(a.clientId()).isEqualTo("vigil-alerts-north-host-1");
        assertThat(b.clientId()).isEqualTo("vigil-alerts-south-host-1");
        Await.until(
            () -> a.health().ready() && b.health().ready() && a2.health().ready(),
            WAIT,
            () -> "all ready");
        assertThat(a2.clientId()).isEqualTo("vigil-alerts-north-host-2");
        // Had two processes shared a client id, the broker would have thrown one out each time the
        // other (re)connected.
        assertThat(mqtt.log()).doesNotContain("already connected");
        try (AlertsHttp http = AlertsHttp.start(a, 0)) {
          HttpResponse<String> ready = get(http, "/health/ready");
          assertThat(ready.statusCode()).isEqualTo(200);
          assertThat(Json.mapper().readTree(ready.body()).at("/detail/checks/violations").asText())
              .isEqualTo("RUNNING");
          assertThat(get(http, "/metrics").body())
              .contains("vigil_alerts_published_total{source=\"violations\"} 2.0\n")
              .contains("vigil_alerts_published_total{source=\"camera_status\"} 1.0\n")
              .contains("vigil_alerts_ready 1.0\n");
        }

        try (Admin admin = admin(kafka.bootstrapServers())) {
          // Offsets are committed (after the PUBACKs) in each site's own group.
          // North: north1 at 0 (marker 1), ghost 2 (abort marker 3), north3 4; south: 0 and 1.
          Await.until(
              () ->
                  committed(admin, "vigil-north-alerts", north.topics().violations()) == 5
                      && committed(admin, "vigil-south-alerts", south.topics().violations()) == 2,
              WAIT,
              () ->
                  "commits in the sites' own groups: north at "
                      + committed(admin, "vigil-north-alerts", north.topics().violations())
                      + ", south at "
                      + committed(admin, "vigil-south-alerts", south.topics().violations()));
          Set<String> groups = new HashSet<>();
          for (GroupListing g : admin.listGroups().all().get()) {
            groups.add(g.groupId());
          }
          assertThat(groups)
              .contains(
                  "vigil-north-alerts",
                  "vigil-north-alerts-state",
                  "vigil-south-alerts",
                  "vigil-south-alerts-state")
              .doesNotContain("vigil-alerts", "vigil-alerts-state", "shared-group");
        }
      }
    }
  }

  /** Alerts of {@code site} on {@code host}, keeping its MQTT state under {@code mqttDir}. */
  private AlertsRunner startAlerts(SiteConfig site, String mqttDir, String host) {
    return new AlertsRunner(
            site, dir.resolve(mqttDir), alert -> {}, StatePublisher.Options.defaults(), host)
        .start();
  }

  private static HttpResponse<String> get(AlertsHttp http, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(p);
  }

  /** The committed offset of partition 0 of {@code topic} in {@code group}, or -1. */
  private static long committed(Admin admin, String group, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata om = offsets.get(new TopicPartition(topic, 0));
      return om == null ? -1 : om.offset();
    } catch (Exception e) {
      return -1;
    }
  }
}
