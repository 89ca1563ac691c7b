package dev.vigil.alerts;

import static dev.vigil.alerts.LoopFixtures.await;
import static dev.vigil.alerts.LoopFixtures.connect;
import static dev.vigil.alerts.LoopFixtures.handDrivenState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import dev.vigil.config.Json;
import dev.vigil.config.Observation;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * StatePublisher against a real mosquitto on loopback. Kafka is a MockConsumer (or none, where
 * observations are fed by hand with a hand-driven clock): what is under test is the state topic.
 */
class StatePublisherTest extends MosquittoTestBase {
  private static final String TOPIC = Topics.defaults().observations();
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
  private static final String STATE = "vigil/plant1/cam1/state";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final long T0 = 1_700_000_000_000L;

  /** Ticks until every pending state is acknowledged. */
  private static void settle(StatePublisher state, long expectedStates)
      throws InterruptedException {
    await(
        () -> {
          state.tick(false);
          return state.publishedStates() >= expectedStates;
        },
        WAIT,
        expectedStates + " acknowledged states");
  }

  private static JsonNode json(TestSubscriber.Received r) throws Exception {
    return Json.mapper().readTree(r.payload());
  }

  @Test
  void shouldPublishRetainedStateOnlyWhenContentChanges() throws Exception {
    JsonSchema schema = Schemas.state();
    try (MosquittoBroker broker = startBroker();
        TestSubscriber sub =
            new TestSubscriber(broker.url(), "sub", false, "vigil/plant1/+/state");
        MqttAlertPublisher publisher = connect(broker)) {
      StatePublisher state = handDrivenState(publisher);

      for (int i = 0; i < 5; i++) {
        state.observe(Observations.of("cam1", T0 + i * 200, "none", true, null));
        state.tick(false);
      }
      settle(state, 1);
      state.observe(Observations.of("cam1", T0 + 1_000, "open", true, false));
      settle(state, 2);
      for (int i = 0; i < 5; i++) {
        state.observe(Observations.of("cam1", T0 + 1_200 + i * 200, "open", true, false));
        state.tick(false);
      }
      await(() -> sub.on(STATE).size() >= 2, WAIT, "two states");
      Thread.sleep(500);

      List<TestSubscriber.Received> got = sub.on(STATE);
      assertThat(got).hasSize(2);
      assertThat(state.publishedStates()).isEqualTo(2);
      for (TestSubscriber.Received r : got) {
        assertThat(Schemas.errors(schema, r.payload())).as(r.payload()).isEmpty();
      }
      JsonNode first = json(got.get(0));
      assertThat(first.get("timestamp").asLong()).isEqualTo(T0);
      assertThat(first.get("counts").toString())
          .isEqualTo("{\"people\":2,\"helmet\":1,\"no_helmet\":0,\"unknown\":1}");
      assertThat(first.at("/prompts/no-helmet/violation").asText()).isEqualTo("none");
      JsonNode second = json(got.get(1));
      assertThat(second.get("site").asText()).isEqualTo("plant1");
      assertThat(second.get("camera").asText()).isEqualTo("cam1");
      assertThat(second.get("timestamp").asLong()).isEqualTo(T0 + 1_000);
      assertThat(second.at("/counts/no_helmet").asInt()).isEqualTo(1);
      assertThat(second.at("/prompts/no-helmet/text").asText()).isEqualTo(Observations.TEXT);
      assertThat(second.at("/prompts/no-helmet/answer").asDouble()).isEqualTo(1.0);
      assertThat(second.at("/prompts/no-helmet/holds").asBoolean()).isTrue();
      assertThat(second.at("/prompts/no-helmet/violation").asText()).isEqualTo("open");
    }
  }

  @Test
  void shouldHoldBackChangesWithinIntervalAndEndOnLatestWhenStateChangesFast() throws Exception {
    try (MosquittoBroker broker = startBroker();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub", false, STATE);
        MqttAlertPublisher publisher = connect(broker)) {
      AtomicLong clock = new AtomicLong();
      StatePublisher state =
          handDrivenState(publisher, StatePublisher.Options.defaults(), clock::get);

      // Ten different states within 0.9 s: the first goes out at once, the rest are held back.
      for (int i = 0; i < 10; i++) {
        clock.set(Duration.ofMillis(i * 100L).toNanos());
        Boolean[] helmets = new Boolean[i + 1];
        state.observe(Observations.of("cam1", T0 + i * 100L, "none", helmets));
        state.tick(false);
      }
      settle(state, 1);
      Thread.sleep(300);
      assertThat(sub.on(STATE)).hasSize(1);
      assertThat(json(sub.on(STATE).get(0)).at("/counts/people").asInt()).isEqualTo(1);

      // Once the interval has passed, the latest state (10 people) goes out, and only that one.
      clock.set(Duration.ofMillis(1_000).toNanos());
      settle(state, 2);
      await(() -> sub.on(STATE).size() >= 2, WAIT, "the held-back state");
      Thread.sleep(300);
      state.tick(false);

      assertThat(sub.on(STATE)).hasSize(2);
      JsonNode latest = json(sub.on(STATE).get(1));
      assertThat(latest.at("/counts/people").asInt()).isEqualTo(10);
      assertThat(latest.at("/counts/unknown").asInt()).isEqualTo(10);
      assertThat(latest.get("timestamp").asLong()).isEqualTo(T0 + 900);
    }
  }

  @Test
  void shouldGiveLateSubscriberLatestRetainedStateWhenItConnectsAfterPublish() throws Exception {
    try (MosquittoBroker broker = startBroker();
        MqttAlertPublisher publisher = connect(broker)) {
      MockConsumer<String, Observation> consumer = new MockConsumer<>("earliest");
      consumer.schedulePollTask(
          () -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
            consumer.seek(TP, 0);
          });
      consumer.schedulePollTask(
          () -> {
            consumer.addRecord(
                new ConsumerRecord<>(
                    TOPIC, 0, 0, "cam1", Observations.of("cam1", T0, "none", true)));
            consumer.addRecord(
                new ConsumerRecord<>(
                    TOPIC, 0, 1, "cam1", Observations.of("cam1", T0 + 200, "open", false)));
            // Out of order (an older frame replayed): must not replace the newer state.
            consumer.addRecord(
                new ConsumerRecord<>(
                    TOPIC, 0, 2, "cam1", Observations.of("cam1", T0 + 100, "none", true, true)));
          });
      StatePublisher state =
          new StatePublisher(consumer, publisher, TOPIC, StatePublisher.Options.defaults());
      Thread thread = new Thread(state, "state-publisher");
      thread.start();
      await(
          () -> {
            var committed = consumer.committed(Set.of(TP)).get(TP);
            return committed != null && committed.offset() == 3;
          },
          WAIT,
          "all three observations consumed and committed");

      // Closing flushes the held-back latest state even though its interval has not passed.
      state.close();
      thread.join(10_000);
      assertThat(thread.isAlive()).isFalse();
      assertThat(consumer.closed()).isTrue();

      try (TestSubscriber late = new TestSubscriber(broker.url(), "late", false, STATE)) {
        TestSubscriber.Received got = late.await(r -> true, WAIT);
        assertThat(got.retained()).isTrue();
        JsonNode json = json(got);
        assertThat(json.get("timestamp").asLong()).isEqualTo(T0 + 200);
        assertThat(json.at("/prompts/no-helmet/violation").asText()).isEqualTo("open");
        assertThat(json.at("/counts/no_helmet").asInt()).isEqualTo(1);
        assertThat(Schemas.errors(Schemas.state(), got.payload())).isEmpty();
      }
    }
  }

  @Test
  void shouldPublishStateWhenBrokerComesBackAfterFailedPublish() throws Exception {
    try (MosquittoBroker broker = startBroker();
        MqttAlertPublisher publisher = connect(broker)) {
      StatePublisher state =
          handDrivenState(
              publisher,
              StatePublisher.Options.defaults().withMinInterval(Duration.ofMillis(100)),
              System::nanoTime);
      broker.stop();
      state.observe(Observations.of("cam1", T0, "open", false));
      state.tick(false);
      Thread.sleep(300);
      state.tick(false);
      assertThat(state.publishedStates()).isZero();

      broker.start();
      settle(state, 1);

      try (TestSubscriber late = new TestSubscriber(broker.url(), "late", false, STATE)) {
        TestSubscriber.Received got = late.await(r -> true, WAIT);
        assertThat(got.retained()).isTrue();
        assertThat(json(got).at("/prompts/no-helmet/violation").asText()).isEqualTo("open");
      }
    }
  }

  @Test
  void shouldSkipAndCountObservationsWhoseCameraIdWouldBreakTopicLevels() throws Exception {
    try (MosquittoBroker broker = startBroker();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub", false, "#");
        MqttAlertPublisher publisher = connect(broker)) {
      AlertsMetrics metrics = new AlertsMetrics();
      StatePublisher state =
          handDrivenState(
                  publisher,
                  StatePublisher.Options.defaults()
                      .withMinInterval(Duration.ZERO)
                      .withHomeAssistant(true),
                  new AtomicLong()::get)
              .metrics(metrics);

      for (String bad : List.of("cam+1", "cam#", "site/cam", "")) {
        state.observe(Observations.of(bad, T0, "open", false));
        state.tick(false);
      }
      state.observe(Observations.of("cam1", T0, "open", false));
      settle(state, 1);
      await(() -> !sub.on(STATE).isEmpty(), WAIT, "the valid camera's state");

      assertThat(metrics.skippedCount(AlertsMetrics.OBSERVATIONS, AlertsMetrics.INVALID_CAMERA_ID))
          .isEqualTo(4);
      assertThat(sub.received())
          .extracting(TestSubscriber.Received::topic)
          .allMatch(t -> t.equals("vigil/plant1/status") || t.contains("cam1"));
    }
  }

  @Test
  void shouldKeepReadCommittedAndOwnDeserializerWhenSiteFileTriesToWeakenThem() {
    SiteConfig.Kafka kafka = LoopFixtures.kafkaTryingToWeaken(Map.of());

    Properties props = StatePublisher.consumerProperties(kafka, "vigil-plant1-alerts-state");

    assertThat(props)
        .containsEntry("group.id", "vigil-plant1-alerts-state")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("value.deserializer", ObservationDeserializer.class.getName());
  }
}
