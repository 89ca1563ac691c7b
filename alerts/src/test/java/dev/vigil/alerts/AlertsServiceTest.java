package dev.vigil.alerts;

import static dev.vigil.alerts.LoopFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.LoopFixtures.PacedConsumer;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AlertsService with a real mosquitto on loopback. Kafka is a MockConsumer: what is under test is
 * the commit-after-PUBACK contract towards MQTT, not Kafka.
 */
class AlertsServiceTest {
  private static final String TOPIC = Topics.defaults().violations();
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
  private static final String VIOLATIONS = "vigil/plant1/+/violations";

  @TempDir Path dir;

  private static PacedConsumer<Violation> consumerWith(List<List<Violation>> batches) {
    return LoopFixtures.inGroup(TOPIC, v -> Violation.key(v.camera(), v.prompt().id()), batches);
  }

  private static Long committed(MockConsumer<String, Violation> consumer) {
    OffsetAndMetadata om = consumer.committed(Set.of(TP)).get(TP);
    return om == null ? null : om.offset();
  }

  private static PublisherOptions options(String url) {
    return LoopFixtures.options(url, "alerts");
  }

  private static Set<String> violationIds(TestSubscriber sub) {
    Set<String> ids = new HashSet<>();
    for (TestSubscriber.Received r : sub.received()) {
      if (r.topic().endsWith("/violations")) {
        ids.add(Json.fromBytes(r.payload().getBytes(StandardCharsets.UTF_8), Violation.class).id());
      }
    }
    return ids;
  }

  @Test
  void shouldKeepManualCommitAndReadCommittedWhenSiteFileTriesToWeakenThem() {
    SiteConfig.Kafka kafka =
        LoopFixtures.kafkaTryingToWeaken(
            Map.of(
                "group.id", "someone-elses-group",
                "security.protocol", "SASL_SSL",
                "max.poll.records", "7"));

    Properties props = AlertsService.consumerProperties(kafka, "vigil-plant1-alerts");

    assertThat(props)
        .containsEntry("bootstrap.servers", "localhost:9092")
        .containsEntry("group.id", "vigil-plant1-alerts")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("value.deserializer", ViolationDeserializer.class.getName())
        // The site's own settings that weaken nothing still apply.
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("max.poll.records", "7");
  }

  @Test
  void shouldCommitNothingWhileBrokerIsDownAndEverythingAfterItRestarts() throws Exception {
    MosquittoBroker.assumeInstalled();
    List<Violation> violations = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      violations.add(Violations.open("cam" + (i % 2), i));
    }
    List<PublishedAlert> published = new CopyOnWriteArrayList<>();
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub-commit", true, VIOLATIONS);
        MqttAlertPublisher publisher = MqttAlertPublisher.connect(options(broker.url()))) {
      broker.stop();
      PacedConsumer<Violation> consumer = consumerWith(List.of(violations));
      try (AlertsService service =
          new AlertsService(consumer, publisher, TOPIC)
              .ackTimeout(Duration.ofSeconds(2))
              .onPublished(published::add)) {
        Thread thread = new Thread(service, "alerts-service");
        thread.start();

        Thread.sleep(3_000);
        assertThat(committed(consumer)).as("offset committed while broker down").isNull();
        assertThat(published).isEmpty();
        assertThat(thread.isAlive()).isTrue();

        broker.start();

        await(
            () -> Long.valueOf(5).equals(committed(consumer)),
            Duration.ofSeconds(30),
            "commit of 5");
        await(() -> violationIds(sub).size() == 5, Duration.ofSeconds(15), "5 ids at subscriber");
        assertThat(violationIds(sub))
            .containsExactlyInAnyOrderElementsOf(violations.stream().map(Violation::id).toList());
        assertThat(published.stream().map(a -> a.violation().id()).distinct())
            .containsExactlyElementsOf(violations.stream().map(Violation::id).toList());
        assertThat(service.committedRecords()).isEqualTo(5);
        assertThat(consumer.commits).containsExactly(Map.of(TP, new OffsetAndMetadata(5)));
      }
      assertThat(consumer.closed()).isTrue();
    }
  }

  @Test
  void shouldCommitNothingWhenClosedBeforeBrokerAcknowledged() throws Exception {
    MosquittoBroker.assumeInstalled();
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        MqttAlertPublisher publisher = MqttAlertPublisher.connect(options(broker.url()))) {
      broker.stop();
      PacedConsumer<Violation> consumer =
          consumerWith(List.of(List.of(Violations.open("cam1", 1))));
      AlertsService service = new AlertsService(consumer, publisher, TOPIC);
      Thread thread = new Thread(service, "alerts-service");
      thread.start();
      Thread.sleep(1_500);

      service.close();

      thread.join(10_000);
      assertThat(thread.isAlive()).isFalse();
      assertThat(consumer.closed()).isTrue();
      assertThat(consumer.commits).isEmpty();
    }
  }

  @Test
  void shouldDeliverEveryIdWithSameContentWhenBrokerRestartsMidRun() throws Exception {
    MosquittoBroker.assumeInstalled();
    int batches = 12;
    int perBatch = 25;
    List<List<Violation>> input = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<Violation> batch = new ArrayList<>();
      for (int i = 0; i < perBatch; i++) {
        Violation v = Violations.open("cam" + (i % 3), b * perBatch + i);
        batch.add(v);
        expected.add(v.id());
      }
      input.add(batch);
    }
    int total = batches * perBatch;
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub-restart", true, VIOLATIONS);
        MqttAlertPublisher publisher =
            MqttAlertPublisher.connect(
                options(broker.url()).withPersistenceDir(dir.resolve("paho")))) {
      PacedConsumer<Violation> consumer = consumerWith(input);
      // Pace the batches so that the restart lands in the middle of the run.
      for (int i = 0; i < batches; i++) {
        consumer.schedulePollTask(() -> {});
      }
      try (AlertsService service =
          new AlertsService(consumer, publisher, TOPIC).ackTimeout(Duration.ofSeconds(3))) {
        Thread thread = new Thread(service, "alerts-service");
        thread.start();
        await(() -> sub.received().size() >= 40, Duration.ofSeconds(20), "first violations");

        broker.restart();
        long committedAtRestart = committed(consumer) == null ? 0 : committed(consumer);

        try {
          await(
              () -> Long.valueOf(total).equals(committed(consumer)),
              Duration.ofSeconds(60),
              "commit of all " + total);
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "\nbroker log:\n" + broker.log(), e);
        }
        await(
            () -> violationIds(sub).size() == total,
            Duration.ofSeconds(30),
            "all " + total + " ids at the subscriber");
        Map<String, Set<String>> contentById = new HashMap<>();
        int messages = 0;
        for (TestSubscriber.Received r : sub.received()) {
          if (r.topic().endsWith("/violations")) {
            messages++;
            Violation v =
                Json.fromBytes(r.payload().getBytes(StandardCharsets.UTF_8), Violation.class);
            contentById.computeIfAbsent(v.id(), k -> new HashSet<>()).add(r.payload());
          }
        }
        System.out.printf(
            "broker restart after %d of %d committed: %d messages for %d ids, %d duplicates%n",
            committedAtRestart, total, messages, contentById.size(), messages - contentById.size());
        assertThat(committedAtRestart).isLessThan(total);
        assertThat(contentById.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(contentById.values()).allSatisfy(payloads -> assertThat(payloads).hasSize(1));
      }
    }
  }

  private static ConsumerRecord<String, Violation> record(long offset, Violation v) {
    return new ConsumerRecord<>(TOPIC, 0, offset, Violation.key(v.camera(), v.prompt().id()), v);
  }

  private static Thread start(AlertsService service) {
    Thread thread = new Thread(service, "alerts-service");
    thread.start();
    return thread;
  }

  @Test
  void shouldNotAlertAnEventTheModelRejectedButCommitPastIt() throws Exception {
    MosquittoBroker.assumeInstalled();
    Violation first = Violations.open("cam0", 0);
    Violation rejected = Violations.open("cam0", 1).withState(Violation.State.REJECTED);
    Violation last = Violations.open("cam0", 2);
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub-rejected", false, "vigil/#");
        MqttAlertPublisher publisher = MqttAlertPublisher.connect(options(broker.url()))) {
      PacedConsumer<Violation> consumer = consumerWith(List.of(List.of(first, rejected, last)));
      try (AlertsService service = new AlertsService(consumer, publisher, TOPIC)) {
        start(service);
        await(() -> Long.valueOf(3).equals(committed(consumer)), Duration.ofSeconds(20), "commit");
        await(() -> violationIds(sub).size() == 2, Duration.ofSeconds(10), "2 alerts");
        assertThat(violationIds(sub)).containsExactlyInAnyOrder(first.id(), last.id());
        assertThat(
                service
                    .metrics()
                    .skippedCount(AlertsMetrics.VIOLATIONS, AlertsMetrics.REJECTED_BY_MODEL))
            .isEqualTo(1);
      }
    }
  }

  @Test
  void shouldSkipCountAndCommitPastInvalidCameraIdsWhenTheyArriveBetweenValidOnes()
      throws Exception {
    MosquittoBroker.assumeInstalled();
    Violation first = Violations.open("cam0", 0);
    Violation last = Violations.open("cam.1", 4);
    Violation next = Violations.open("cam-2", 5);
    List<Violation> batch =
        List.of(
            first,
            Violations.open("bad+cam", 1),
            Violations.open("bad#", 2),
            Violations.open("a/b", 3),
            last);
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub-ids", false, "vigil/#");
        MqttAlertPublisher publisher = MqttAlertPublisher.connect(options(broker.url()))) {
      PacedConsumer<Violation> consumer = consumerWith(List.of(batch, List.of(next)));
      try (AlertsService service = new AlertsService(consumer, publisher, TOPIC)) {
        Thread thread = start(service);

        await(() -> Long.valueOf(6).equals(committed(consumer)), Duration.ofSeconds(20), "commit");
        await(() -> violationIds(sub).size() == 3, Duration.ofSeconds(10), "3 valid ids");

        assertThat(violationIds(sub)).containsExactlyInAnyOrder(first.id(), last.id(), next.id());
        assertThat(sub.received().stream().map(TestSubscriber.Received::topic).distinct())
            .allMatch(t -> t.equals("vigil/plant1/status") || t.endsWith("/violations"))
            .doesNotContain("vigil/plant1/a/b/violations");
        assertThat(
                service
                    .metrics()
                    .skippedCount(AlertsMetrics.VIOLATIONS, AlertsMetrics.INVALID_CAMERA_ID))
            .isEqualTo(3);
        assertThat(service.metrics().render())
            .contains(
                "vigil_alerts_skipped_total{reason=\"invalid_camera_id\",source=\"violations\"} 3.0");
        assertThat(thread.isAlive()).isTrue();
        assertThat(service.status().state()).isEqualTo(LoopStatus.State.RUNNING);
      }
    }
  }

  @Test
  void shouldRetryCommitWithBackoffAndShowItInStatusWhenCommitTimesOut() throws Exception {
    MosquittoBroker.assumeInstalled();
    AtomicInteger timeouts = new AtomicInteger(3);
    AtomicReference<AlertsService> serviceRef = new AtomicReference<>();
    List<LoopStatus.State> seenWhileFailing = new CopyOnWriteArrayList<>();
    PacedConsumer<Violation> consumer =
        new PacedConsumer<>() {
          @Override
          public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (timeouts.getAndDecrement() > 0) {
              seenWhileFailing.add(serviceRef.get().status().state());
              throw new TimeoutException("Timeout of 60000ms expired before the commit");
            }
            super.commitSync(offsets);
          }
        };
    consumer.schedulePollTask(
        () -> {
          consumer.updateBeginningOffsets(Map.of(TP, 0L));
          consumer.rebalance(List.of(TP));
          consumer.addRecord(record(0, Violations.open("cam1", 0)));
          consumer.addRecord(record(1, Violations.open("cam1", 1)));
        });
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        MqttAlertPublisher publisher = MqttAlertPublisher.connect(options(broker.url()));
        AlertsService service = new AlertsService(consumer, publisher, TOPIC)) {
      serviceRef.set(service);
      Thread thread = start(service);

      await(() -> Long.valueOf(2).equals(committed(consumer)), Duration.ofSeconds(30), "commit");

      assertThat(thread.isAlive()).isTrue();
      assertThat(service.metrics().retryCount(AlertsMetrics.KAFKA_COMMIT)).isEqualTo(3);
      // The first attempt finds it running; the retries find it retrying, with the reason.
      assertThat(seenWhileFailing)
          .containsExactly(
              LoopStatus.State.RUNNING, LoopStatus.State.RETRYING, LoopStatus.State.RETRYING);
      assertThat(service.status().state()).isEqualTo(LoopStatus.State.RUNNING);
      assertThat(service.committedRecords()).isEqualTo(2);
    }
  }

  @Test
  void shouldRetryPollWhenKafkaErrorMayPassAndGoOnWithNextRecords() throws Exception {
    MosquittoBroker.assumeInstalled();
    PacedConsumer<Violation> consumer = consumerWith(List.of(List.of(Violations.open("cam1", 0))));
    consumer.schedulePollTask(
        () -> consumer.setPollException(new KafkaException("broker connection lost")));
    consumer.schedulePollTask(() -> consumer.addRecord(record(1, Violations.open("cam1", 1))));
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        MqttAlertPublisher publisher = MqttAlertPublisher.connect(options(broker.url()));
        AlertsService service = new AlertsService(consumer, publisher, TOPIC)) {
      Thread thread = start(service);

      await(() -> Long.valueOf(2).equals(committed(consumer)), Duration.ofSeconds(20), "commit");

      assertThat(thread.isAlive()).isTrue();
      assertThat(service.metrics().retryCount(AlertsMetrics.KAFKA_POLL)).isEqualTo(1);
      assertThat(service.status().state()).isEqualTo(LoopStatus.State.RUNNING);
    }
  }

  @Test
  void shouldFailStatusAndEndThreadWhenConsumerLoopThrowsWhatCannotPass() throws Exception {
    MosquittoBroker.assumeInstalled();
    PacedConsumer<Violation> consumer = consumerWith(List.of(List.of(Violations.open("cam1", 0))));
    consumer.schedulePollTask(
        () ->
            consumer.setPollException(
                new TopicAuthorizationException("Not authorized to access topics: [x]")));
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        MqttAlertPublisher publisher = MqttAlertPublisher.connect(options(broker.url()));
        AlertsService service = new AlertsService(consumer, publisher, TOPIC)) {
      Thread thread = start(service);

      thread.join(20_000);

      assertThat(thread.isAlive()).as("the service thread ended").isFalse();
      assertThat(service.status().state()).isEqualTo(LoopStatus.State.FAILED);
      assertThat(service.status().failure()).isInstanceOf(TopicAuthorizationException.class);
      assertThat(service.status().terminated()).isCompletedExceptionally();
      assertThat(AlertsHealth.of(publisher, List.of(service.status())).live()).isFalse();
      assertThat(consumer.closed()).isTrue();
      // What was published before the failure is committed.
      assertThat(consumer.commits).containsExactly(Map.of(TP, new OffsetAndMetadata(1)));
    }
  }

  @Test
  void shouldRetryAndLoseNothingWhenMqttConnectionIsCutAndBrokerUnreachable() throws Exception {
    MosquittoBroker.assumeInstalled();
    List<Violation> before = List.of(Violations.open("cam1", 0), Violations.open("cam2", 1));
    List<Violation> during =
        List.of(Violations.open("cam1", 2), Violations.open("cam2", 3), Violations.open("cam3", 4));
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        TcpProxy proxy = new TcpProxy(broker.port());
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub-cut", true, VIOLATIONS);
        MqttAlertPublisher publisher =
            MqttAlertPublisher.connect(
                options("tcp://127.0.0.1:" + proxy.port())
                    .withPersistenceDir(dir.resolve("paho")))) {
      PacedConsumer<Violation> consumer = consumerWith(List.of(before));
      try (AlertsService service =
          new AlertsService(consumer, publisher, TOPIC).ackTimeout(Duration.ofSeconds(2))) {
        Thread thread = start(service);
        await(() -> Long.valueOf(2).equals(committed(consumer)), Duration.ofSeconds(20), "first");

        proxy.refuse();
        proxy.cutAll();
        await(() -> !publisher.isConnected(), Duration.ofSeconds(10), "connection lost");
        for (int i = 0; i < during.size(); i++) {
          consumer.addRecord(record(2 + i, during.get(i)));
        }
        await(
            () -> service.metrics().retryCount(AlertsMetrics.MQTT_PUBLISH) > 0,
            Duration.ofSeconds(20),
            "a publish retry");
        AlertsHealth down = AlertsHealth.of(publisher, List.of(service.status()));
        assertThat(committed(consumer)).isEqualTo(2L);
        assertThat(down.live()).isTrue();
        assertThat(down.ready()).isFalse();
        assertThat(down.checks().get("violations")).startsWith("RETRYING");

        proxy.accept();

        await(() -> Long.valueOf(5).equals(committed(consumer)), Duration.ofSeconds(60), "rest");
        await(() -> violationIds(sub).size() == 5, Duration.ofSeconds(20), "5 ids");
        List<String> expected = new ArrayList<>();
        before.forEach(v -> expected.add(v.id()));
        during.forEach(v -> expected.add(v.id()));
        assertThat(violationIds(sub)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(thread.isAlive()).isTrue();
        await(
            () -> AlertsHealth.of(publisher, List.of(service.status())).ready(),
            Duration.ofSeconds(10),
            "ready again");
      }
    }
  }

  @Test
  void shouldFailVisiblyAndCommitNothingWhenTheAclRefusesOneViolationOfABatch() throws Exception {
    MosquittoBroker.assumeInstalled();
    // The locked-down broker lets user alerts write cam1's topics, not cam2's.
    try (MosquittoBroker broker = MosquittoBroker.lockedDown(dir.resolve("broker"));
        MqttAlertPublisher publisher = LoopFixtures.connectLockedDown(broker)) {
      PacedConsumer<Violation> consumer =
          consumerWith(List.of(List.of(Violations.open("cam1", 0), Violations.open("cam2", 0))));
      try (AlertsService service = new AlertsService(consumer, publisher, TOPIC)) {
        Thread thread = start(service);

        thread.join(30_000);

        assertThat(thread.isAlive()).as("the service thread ended").isFalse();
        assertThat(service.status().failure())
            .isInstanceOf(MqttRefusedException.class)
            .hasMessageContaining("refused the message on vigil/plant1/cam2/violations")
            .hasMessageContaining("reason code 135, not authorized");
        // cam1's accepted violation is not committed either: a restart publishes it again.
        assertThat(consumer.commits).isEmpty();
        assertThat(service.metrics().publishedCount(AlertsMetrics.VIOLATIONS)).isZero();
        assertThat(
                service
                    .metrics()
                    .refusedCount(AlertsMetrics.VIOLATIONS, MqttRefusedException.NOT_AUTHORIZED))
            .isEqualTo(1);
        assertThat(service.metrics().render())
            .contains("vigil_alerts_refused_total{reason_code=\"135\",source=\"violations\"} 1.0");
        AlertsHealth health = AlertsHealth.of(publisher, List.of(service.status()));
        assertThat(health.live()).isFalse();
        assertThat(health.ready()).isFalse();
        assertThat(health.checks().get("violations"))
            .startsWith("FAILED: MqttRefusedException: MQTT broker ")
            .contains("vigil/plant1/cam2/violations (reason code 135, not authorized)");
      }
    }
  }
}
