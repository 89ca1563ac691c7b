package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import dev.vigil.config.Observation;
import dev.vigil.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;

/**
 * Home Assistant MQTT device discovery against a real mosquitto on loopback; the payloads are
 * checked against the keys Home Assistant documents for device-based discovery (abbreviated {@code
 * dev}, {@code o}, {@code cmps} and a platform {@code p} and {@code unique_id} per component).
 */
class HomeAssistantDiscoveryTest extends MosquittoTestBase {
  private static final String TOPIC = Topics.defaults().observations();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final long T0 = 1_700_000_000_000L;
  private static final String DEVICE = "homeassistant/device/vigil_plant1_cam_1/config";
  private static final String LEGACY =
      "homeassistant/binary_sensor/vigil_plant1_cam_1_no-helmet/config";

  private static StatePublisher discovering(MqttAlertPublisher publisher) {
    return new StatePublisher(
        new MockConsumer<>("latest"),
        publisher,
        TOPIC,
        StatePublisher.Options.defaults().withHomeAssistant(true));
  }

  /** Ticks until {@code done}, or fails after {@link #WAIT}. */
  private static void until(StatePublisher state, BooleanSupplier done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      state.tick(true);
      if (done.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  /** The retained configs a new subscriber gets, by topic. */
  private static Map<String, String> retained(MosquittoBroker broker, String expectTopic)
      throws Exception {
    try (TestSubscriber late =
        new TestSubscriber(broker.url(), "late-" + System.nanoTime(), false, "homeassistant/#")) {
      late.await(r -> r.topic().equals(expectTopic), WAIT);
      Map<String, String> out = new java.util.TreeMap<>();
      late.received().stream()
          .filter(TestSubscriber.Received::retained)
          .forEach(r -> out.put(r.topic(), r.payload()));
      return out;
    }
  }

  @Test
  void shouldRetainOneDeviceWithEveryComponentAndClearTheOldPerEntityConfigs() throws Exception {
    try (MosquittoBroker broker = startBroker();
        MqttAlertPublisher older = LoopFixtures.connect(broker, "older");
        MqttAlertPublisher publisher = LoopFixtures.connect(broker, "pub")) {
      // What an earlier Vigil left retained: one config per entity.
      older.publishRetained(LEGACY, "{\"name\":\"old\"}").get();
      StatePublisher state = discovering(publisher);
      // "cam.1" is not a valid discovery object id: it becomes cam_1.
      state.observe(Observations.of("cam.1", T0, "open", false));
      until(state, () -> state.publishedDiscoveries() >= 5, "device config and legacy clears");

      Map<String, String> configs = retained(broker, DEVICE);
      assertThat(configs.keySet()).containsExactly(DEVICE);
      JsonNode device = Json.mapper().readTree(configs.get(DEVICE));
      assertThat(device.at("/dev/ids/0").asText()).isEqualTo("vigil_plant1_cam_1");
      assertThat(device.at("/dev/name").asText()).isEqualTo("Vigil plant1 cam.1");
      assertThat(device.at("/o/name").asText()).isEqualTo("Vigil");
      assertThat(device.get("state_topic").asText()).isEqualTo("vigil/plant1/cam.1/state");
      // Available only while alerts and the camera are both online.
      assertThat(device.get("availability_mode").asText()).isEqualTo("all");
      assertThat(device.get("availability").findValuesAsText("topic"))
          .containsExactly("vigil/plant1/status", "vigil/plant1/cam.1/availability");
      JsonNode cmps = device.get("cmps");
      List<String> ids = new ArrayList<>();
      cmps.fieldNames().forEachRemaining(ids::add);
      assertThat(ids)
          .containsExactlyInAnyOrder(
              "vigil_plant1_cam_1_compliance",
              "vigil_plant1_cam_1_people",
              "vigil_plant1_cam_1_helmet",
              "vigil_plant1_cam_1_no_helmet",
              "vigil_plant1_cam_1_unknown",
              "vigil_plant1_cam_1_no-helmet");
      cmps.forEach(
          c -> {
            assertThat(c.get("p").asText()).isIn("sensor", "binary_sensor");
            assertThat(c.has("unique_id")).isTrue();
            assertThat(c.has("name")).isTrue();
          });
      JsonNode prompt = cmps.get("vigil_plant1_cam_1_no-helmet");
      assertThat(prompt.get("p").asText()).isEqualTo("binary_sensor");
      assertThat(prompt.get("device_class").asText()).isEqualTo("safety");
      assertThat(prompt.get("name").asText()).isEqualTo(Observations.TEXT);
      assertThat(prompt.get("value_template").asText())
          .isEqualTo(
              "{{ 'ON' if value_json.prompts['no-helmet'] is defined"
                  + " and value_json.prompts['no-helmet'].violation == 'open' else 'OFF' }}");
      assertThat(cmps.at("/vigil_plant1_cam_1_people/value_template").asText())
          .isEqualTo("{{ value_json.counts.people }}");
      assertThat(cmps.at("/vigil_plant1_cam_1_compliance/unit_of_measurement").asText())
          .isEqualTo("%");
    }
  }

  @Test
  void shouldAnnounceAgainWhenHomeAssistantRestartsOrAPromptAppears() throws Exception {
    try (MosquittoBroker broker = startBroker();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub", false, DEVICE);
        MqttAlertPublisher homeAssistant = LoopFixtures.connect(broker, "ha");
        MqttAlertPublisher publisher = LoopFixtures.connect(broker, "pub")) {
      StatePublisher state = discovering(publisher);
      state.listenToHomeAssistant(Set.of());
      Observation first = Observations.of("cam.1", T0, "none", true);
      state.observe(first);
      until(state, () -> sub.on(DEVICE).size() == 1, "first announcement");

      homeAssistant.publishRetained("homeassistant/status", "online").get();
      until(state, () -> sub.on(DEVICE).size() == 2, "announcement after Home Assistant's online");

      Map<String, Observation.PromptAnswer> answers = new java.util.HashMap<>(first.answers());
      answers.put("anyone", new Observation.PromptAnswer("Is anyone in view?", 1.0, true, "none"));
      state.observe(Observations.of("cam.1", T0 + 200, "none", true).withAnswers(answers));
      until(state, () -> sub.on(DEVICE).size() == 3, "announcement with the new prompt");
      assertThat(Json.mapper().readTree(sub.on(DEVICE).get(2).payload()).at("/cmps"))
          .anySatisfy(c -> assertThat(c.get("name").asText()).isEqualTo("Is anyone in view?"));
    }
  }

  @Test
  void shouldRemoveTheDeviceOfACameraThatLeftTheSiteConfig() throws Exception {
    String gone = "homeassistant/device/vigil_plant1_gone/config";
    try (MosquittoBroker broker = startBroker();
        MqttAlertPublisher older = LoopFixtures.connect(broker, "older");
        MqttAlertPublisher publisher = LoopFixtures.connect(broker, "pub")) {
      older.publishRetained(gone, "{\"dev\":{\"ids\":[\"vigil_plant1_gone\"]}}").get();
      StatePublisher state = discovering(publisher);
      state.listenToHomeAssistant(Set.of("cam.1"));
      state.observe(Observations.of("cam.1", T0, "none", true));
      until(
          state,
          () -> {
            try {
              return !retained(broker, DEVICE).containsKey(gone);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          "the gone camera's device cleared");
      assertThat(retained(broker, DEVICE).keySet()).containsExactly(DEVICE);
    }
  }

  @Test
  void shouldAnnounceNothingWhenDiscoveryIsOff() throws Exception {
    try (MosquittoBroker broker = startBroker();
        MqttAlertPublisher publisher = LoopFixtures.connect(broker, "pub")) {
      StatePublisher off =
          new StatePublisher(
              new MockConsumer<>("latest"), publisher, TOPIC, StatePublisher.Options.defaults());
      off.observe(Observations.of("cam2", T0, "none", true));
      until(off, () -> off.publishedStates() >= 1, "the state");
      assertThat(off.publishedDiscoveries()).isZero();
    }
  }
}
