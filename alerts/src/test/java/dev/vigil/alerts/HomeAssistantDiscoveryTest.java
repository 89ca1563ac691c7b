package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import dev.vigil.config.Observation;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Home Assistant MQTT discovery against a real mosquitto on loopback. */
class HomeAssistantDiscoveryTest {
  private static final String TOPIC = Topics.defaults().observations();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final long T0 = 1_700_000_000_000L;
  private static final String PROMPT_CONFIG =
      "homeassistant/binary_sensor/vigil_plant1_cam_1_no-helmet/config";

  @TempDir Path dir;

  @BeforeAll
  static void needsMosquitto() {
    MosquittoBroker.assumeInstalled();
  }

  private static MqttAlertPublisher connect(MosquittoBroker broker) {
    return MqttAlertPublisher.connect(
        PublisherOptions.of(
            "plant1", new SiteConfig.Mqtt(broker.url(), null, "pub", null, null, null)));
  }

  private static void settle(StatePublisher state, long discoveries) throws InterruptedException {
    BooleanSupplier done =
        () -> {
          state.tick(true);
          return state.publishedDiscoveries() >= discoveries && state.publishedStates() >= 1;
        };
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only " + state.publishedDiscoveries() + " of " + discoveries + " discovery configs");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void shouldRetainDiscoveryConfigsOnceWhenCameraAndPromptFirstSeen() throws Exception {
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        TestSubscriber early = new TestSubscriber(broker.url(), "early", false, "homeassistant/#");
        MqttAlertPublisher publisher = connect(broker)) {
      StatePublisher state =
          new StatePublisher(
              new MockConsumer<>("latest"),
              publisher,
              TOPIC,
              StatePublisher.Options.defaults().withHomeAssistant(true));
      // "cam.1" is not a valid discovery object id: it becomes cam_1.
      for (int i = 0; i < 5; i++) {
        state.observe(Observations.of("cam.1", T0 + i * 200, i < 3 ? "none" : "open", false));
      }
      settle(state, 4);
      Thread.sleep(300);
      state.observe(Observations.of("cam.1", T0 + 2_000, "none", true));
      state.tick(true);
      Thread.sleep(300);

      assertThat(state.publishedDiscoveries()).isEqualTo(4);
      assertThat(early.received()).hasSize(4);

      try (TestSubscriber late =
          new TestSubscriber(broker.url(), "late", false, "homeassistant/#")) {
        late.await(r -> r.topic().equals(PROMPT_CONFIG), WAIT);
        Thread.sleep(300);
        assertThat(late.received()).allMatch(TestSubscriber.Received::retained);
        assertThat(late.received().stream().map(TestSubscriber.Received::topic))
            .containsExactlyInAnyOrder(
                PROMPT_CONFIG,
                "homeassistant/sensor/vigil_plant1_cam_1_people/config",
                "homeassistant/sensor/vigil_plant1_cam_1_helmet/config",
                "homeassistant/sensor/vigil_plant1_cam_1_no_helmet/config");

        JsonNode prompt = Json.mapper().readTree(late.on(PROMPT_CONFIG).get(0).payload());
        assertThat(prompt.get("unique_id").asText()).isEqualTo("vigil_plant1_cam_1_no-helmet");
        assertThat(prompt.get("name").asText()).isEqualTo(Observations.TEXT);
        assertThat(prompt.get("state_topic").asText()).isEqualTo("vigil/plant1/cam.1/state");
        // Available only while alerts and the camera are both online.
        assertThat(prompt.get("availability_mode").asText()).isEqualTo("all");
        assertThat(prompt.get("availability").findValuesAsText("topic"))
            .containsExactly("vigil/plant1/status", "vigil/plant1/cam.1/availability");
        assertThat(prompt.get("payload_available").asText()).isEqualTo("online");
        assertThat(prompt.get("payload_not_available").asText()).isEqualTo("offline");
        assertThat(prompt.get("device_class").asText()).isEqualTo("safety");
        assertThat(prompt.get("value_template").asText())
            .isEqualTo(
                "{{ 'ON' if value_json.prompts['no-helmet'] is defined"
                    + " and value_json.prompts['no-helmet'].violation == 'open' else 'OFF' }}");
        assertThat(prompt.at("/device/identifiers/0").asText()).isEqualTo("vigil_plant1_cam_1");

        JsonNode people =
            Json.mapper()
                .readTree(
                    late.on("homeassistant/sensor/vigil_plant1_cam_1_people/config")
                        .get(0)
                        .payload());
        assertThat(people.get("value_template").asText())
            .isEqualTo("{{ value_json.counts.people }}");
        assertThat(people.get("state_topic").asText()).isEqualTo("vigil/plant1/cam.1/state");
        // Every entity of one camera belongs to the same device.
        assertThat(people.get("device")).isEqualTo(prompt.get("device"));
      }
    }
  }

  @Test
  void shouldAnnounceNewPromptWhenItAppearsLaterButNothingWhenDisabled() throws Exception {
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub", false, "homeassistant/#");
        MqttAlertPublisher publisher = connect(broker)) {
      StatePublisher off =
          new StatePublisher(
              new MockConsumer<>("latest"), publisher, TOPIC, StatePublisher.Options.defaults());
      off.observe(Observations.of("cam2", T0, "none", true));
      off.tick(true);
      StatePublisher on =
          new StatePublisher(
              new MockConsumer<>("latest"),
              publisher,
              TOPIC,
              StatePublisher.Options.defaults().withHomeAssistant(true).withDiscoveryPrefix("ha/"));
      Observation first = Observations.of("cam1", T0, "none", true);
      on.observe(first);
      settle(on, 4);
      Observation.PromptAnswer extra =
          new Observation.PromptAnswer("Is anyone in view?", 1.0, true, "none");
      Map<String, Observation.PromptAnswer> answers = new java.util.HashMap<>(first.answers());
      answers.put("anyone", extra);
      on.observe(Observations.of("cam1", T0 + 200, "none", true).withAnswers(answers));
      settle(on, 5);
      Thread.sleep(300);

      assertThat(sub.received()).isEmpty(); // the default prefix stays untouched
      try (TestSubscriber ha = new TestSubscriber(broker.url(), "ha", false, "ha/#")) {
        ha.await(r -> r.topic().contains("_anyone/"), WAIT);
        Thread.sleep(300);
        assertThat(ha.received().stream().map(TestSubscriber.Received::topic).toList())
            .hasSize(5)
            .contains("ha/binary_sensor/vigil_plant1_cam1_anyone/config")
            .noneMatch(t -> t.contains("cam2"));
      }
      assertThat(List.of(off.publishedDiscoveries())).containsExactly(0L);
    }
  }
}
