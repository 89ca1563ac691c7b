package dev.vigil.alerts;

import static dev.vigil.alerts.LoopFixtures.await;
import static dev.vigil.alerts.LoopFixtures.connect;
import static dev.vigil.alerts.LoopFixtures.handDrivenState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.CameraStatus;
import dev.vigil.config.Json;
import dev.vigil.config.Topics;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * AvailabilityPublisher against a real mosquitto on loopback. Kafka is a MockConsumer: what is
 * under test is what reaches the retained availability and state topics.
 */
class AvailabilityPublisherTest extends MosquittoTestBase {
  private static final String TOPIC = Topics.defaults().cameraStatus();
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final long T0 = 1_700_000_000_000L;

  private static CameraStatus status(String camera, String availability) {
    return new CameraStatus(camera, availability, T0, T0 - 1);
  }

  /** A consumer that finds one partition of the topic and then these records on it, in order. */
  private static MockConsumer<String, CameraStatus> consumerWith(List<CameraStatus> values) {
    // A status without availability stands for a tombstone (the camera was removed).
    return LoopFixtures.wholeTopic(
        TOPIC,
        values.stream()
            .map(
                v ->
                    new SimpleEntry<String, CameraStatus>(
                        v.camera(), v.availability() == null ? null : v))
            .toList());
  }

  @Test
  void shouldPublishRetainedAvailabilityPerCameraAndSkipInvalidRecords() throws Exception {
    List<CameraStatus> records =
        List.of(
            status("cam1", CameraStatus.ONLINE),
            status("cam2", CameraStatus.OFFLINE),
            status("bad+cam", CameraStatus.OFFLINE),
            status("cam3", "sleepy"),
            status("cam1", CameraStatus.OFFLINE), // the newest wins
            status("cam4", CameraStatus.ONLINE));
    List<CameraStatus> told = new CopyOnWriteArrayList<>();
    try (MosquittoBroker broker = startBroker();
        MqttAlertPublisher publisher = connect(broker)) {
      AvailabilityPublisher availability =
          new AvailabilityPublisher(consumerWith(records), publisher, TOPIC, told::add);
      Thread thread = new Thread(availability, "availability");
      thread.start();
      await(() -> told.size() == 3, WAIT, "three cameras told");
      availability.close();
      thread.join(10_000);

      try (TestSubscriber late =
          new TestSubscriber(broker.url(), "late", false, "vigil/plant1/+/availability")) {
        late.await(r -> r.topic().equals("vigil/plant1/cam4/availability"), WAIT);
        late.await(r -> r.topic().equals("vigil/plant1/cam2/availability"), WAIT);
        late.await(r -> r.topic().equals("vigil/plant1/cam1/availability"), WAIT);
        assertThat(late.received()).allMatch(TestSubscriber.Received::retained);
        assertThat(late.on("vigil/plant1/cam1/availability"))
            .extracting(TestSubscriber.Received::payload)
            .containsExactly("offline");
        assertThat(late.on("vigil/plant1/cam2/availability").get(0).payload()).isEqualTo("offline");
        assertThat(late.on("vigil/plant1/cam4/availability").get(0).payload()).isEqualTo("online");
        assertThat(late.received()).noneMatch(r -> r.topic().contains("cam3"));
      }
      assertThat(told)
          .extracting(CameraStatus::camera)
          .containsExactlyInAnyOrder("cam1", "cam2", "cam4");
      AlertsMetrics m = availability.metrics();
      assertThat(m.skippedCount(AlertsMetrics.CAMERA_STATUS, AlertsMetrics.INVALID_CAMERA_ID))
          .isEqualTo(1);
      assertThat(m.skippedCount(AlertsMetrics.CAMERA_STATUS, AlertsMetrics.INVALID_VALUE))
          .isEqualTo(1);
      assertThat(m.publishedCount(AlertsMetrics.CAMERA_STATUS)).isEqualTo(3);
      assertThat(availability.status().state()).isEqualTo(LoopStatus.State.STOPPED);
    }
  }

  @Test
  void shouldClearRetainedAvailabilityWhenCameraIsRemoved() throws Exception {
    try (MosquittoBroker broker = startBroker();
        MqttAlertPublisher publisher = connect(broker)) {
      publisher.publishRetained("vigil/plant1/gone/availability", "online").get();
      List<CameraStatus> told = new CopyOnWriteArrayList<>();
      AvailabilityPublisher availability =
          new AvailabilityPublisher(
              consumerWith(List.of(status("gone", null), status("kept", CameraStatus.ONLINE))),
              publisher,
              TOPIC,
              told::add);
      Thread thread = new Thread(availability, "availability");
      thread.start();
      await(
          () -> availability.metrics().publishedCount(AlertsMetrics.CAMERA_STATUS) == 2, WAIT, "2");
      availability.close();
      thread.join(10_000);

      try (TestSubscriber late =
          new TestSubscriber(broker.url(), "late", false, "vigil/plant1/+/availability")) {
        late.await(r -> r.topic().equals("vigil/plant1/kept/availability"), WAIT);
        assertThat(late.received())
            .extracting(TestSubscriber.Received::topic)
            .containsExactly("vigil/plant1/kept/availability");
      }
      assertThat(told).extracting(CameraStatus::camera).containsExactly("kept");
    }
  }

  @Test
  void shouldCarryAvailabilityInRetainedStateWhenCameraGoesOffline() throws Exception {
    try (MosquittoBroker broker = startBroker();
        TestSubscriber sub =
            new TestSubscriber(broker.url(), "sub", false, "vigil/plant1/cam1/state");
        MqttAlertPublisher publisher = connect(broker)) {
      StatePublisher state = handDrivenState(publisher);
      state.observe(Observations.of("cam1", T0, "open", false));
      state.tick(false);
      await(() -> sub.on("vigil/plant1/cam1/state").size() == 1, WAIT, "first state");

      // The camera falls silent: no new observation, only its status changes.
      state.availability(status("cam1", CameraStatus.OFFLINE));
      await(
          () -> {
            state.tick(false);
            return sub.on("vigil/plant1/cam1/state").size() == 2;
          },
          WAIT,
          "state with availability");

      JsonNode first = Json.mapper().readTree(sub.on("vigil/plant1/cam1/state").get(0).payload());
      String second = sub.on("vigil/plant1/cam1/state").get(1).payload();
      assertThat(first.has("availability")).isFalse();
      assertThat(Json.mapper().readTree(second).get("availability").asText()).isEqualTo("offline");
      assertThat(Json.mapper().readTree(second).at("/counts/no_helmet").asInt()).isEqualTo(1);
      assertThat(Schemas.errors(Schemas.state(), second)).isEmpty();
      assertThat(Schemas.errors(Schemas.state(), second.replace("\"offline\"", "\"asleep\"")))
          .isNotEmpty();
    }
  }
}
