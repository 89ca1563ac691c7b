package dev.vigil.alerts;

import static dev.vigil.alerts.LoopFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.LoopFixtures.PacedConsumer;
import dev.vigil.config.CameraStatus;
import dev.vigil.config.Observation;
import dev.vigil.config.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The shared loop's failure paths, through the state and availability services (the violations
 * service has its own in {@link AlertsServiceTest}): a record is committed only once it and every
 * earlier record of its partition are acknowledged, and a refused PUBACK is counted in every loop.
 * Real mosquitto on loopback; Kafka is a MockConsumer.
 */
class CommitAfterAckLoopTest extends MosquittoTestBase {
  private static final String OBSERVATIONS = Topics.defaults().observations();
  private static final TopicPartition TP = new TopicPartition(OBSERVATIONS, 0);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long T0 = 1_700_000_000_000L;

  private static Thread start(Runnable loop) {
    Thread thread = new Thread(loop, "loop");
    thread.start();
    return thread;
  }

  /** The loop ended on the refusal of {@code topic}, counted once under its source. */
  private static void assertEndedOnRefusal(LoopService<?, ?> service, Thread thread, String topic)
      throws InterruptedException {
    thread.join(WAIT.toMillis());
    assertThat(thread.isAlive()).as("the loop ended").isFalse();
    assertThat(service.status().state()).isEqualTo(LoopStatus.State.FAILED);
    assertThat(service.status().failure())
        .isInstanceOf(MqttRefusedException.class)
        .hasMessageContaining(topic)
        .hasMessageContaining("reason code 135, not authorized");
    String source = service.status().name();
    int code = MqttRefusedException.NOT_AUTHORIZED;
    // Counted on Paho's thread: wait for it.
    await(() -> service.metrics().refusedCount(source, code) > 0, WAIT, "the refusal counted");
    assertThat(service.metrics().render())
        .contains("vigil_alerts_refused_total{reason_code=\"135\",source=\"" + source + "\"} 1.0");
  }

  @Test
  void shouldNotCommitAnAcknowledgedRecordWhileAnEarlierOneWaitsAndCommitBothOnceItIsSent()
      throws Exception {
    // cam1's first state goes out at once; its change at offset 1 is held back by the interval
    // (the clock stands still); cam2's first state at offset 2 goes out and is acknowledged.
    PacedConsumer<Observation> consumer =
        LoopFixtures.inGroup(
            OBSERVATIONS,
            Observation::camera,
            List.of(
                List.of(Observations.of("cam1", T0, "none", true)),
                List.of(
                    Observations.of("cam1", T0 + 100, "open", false),
                    Observations.of("cam2", T0 + 100, "open", false))));
    try (MosquittoBroker broker = startBroker();
        MqttAlertPublisher publisher = LoopFixtures.connect(broker)) {
      StatePublisher state =
          new StatePublisher(
              consumer, publisher, OBSERVATIONS, StatePublisher.Options.defaults(), () -> 0L);
      Thread thread = start(state);

      await(() -> state.publishedStates() == 2, WAIT, "cam1's first and cam2's state");
      int polls = consumer.polls.get();
      await(() -> consumer.polls.get() >= polls + 2, WAIT, "a whole round after the PUBACK");

      assertThat(consumer.committed(OBSERVATIONS))
          .as("offset 2 was acknowledged, but offset 1 waits: commit stops before it")
          .isEqualTo(1L);
      assertThat(consumer.commits).allMatch(c -> c.get(TP).offset() <= 1);

      // Closing sends the held-back state; once acknowledged, everything is committed.
      state.close();
      thread.join(10_000);
      assertThat(thread.isAlive()).isFalse();
      assertThat(state.publishedStates()).isEqualTo(3);
      assertThat(consumer.commits.get(consumer.commits.size() - 1))
          .isEqualTo(Map.of(TP, new OffsetAndMetadata(3)));
      assertThat(state.status().state()).isEqualTo(LoopStatus.State.STOPPED);
    }
  }

  @Test
  void shouldCountARefusedStateAndEndTheLoopWithoutCommittingPastIt() throws Exception {
    // The locked-down broker lets user alerts write cam1's topics, not cam2's.
    PacedConsumer<Observation> consumer =
        LoopFixtures.inGroup(
            OBSERVATIONS,
            Observation::camera,
            List.of(
                List.of(
                    Observations.of("cam2", T0, "open", false),
                    Observations.of("cam1", T0, "open", false))));
    try (MosquittoBroker broker = MosquittoBroker.lockedDown(dir.resolve("broker"));
        MqttAlertPublisher publisher = LoopFixtures.connectLockedDown(broker)) {
      StatePublisher state =
          new StatePublisher(
              consumer,
              publisher,
              OBSERVATIONS,
              StatePublisher.Options.defaults().withMinInterval(Duration.ZERO));
      Thread thread = start(state);

      assertEndedOnRefusal(state, thread, "vigil/plant1/cam2/state");
      // cam2's observation at offset 0 was never acknowledged: nothing after it is committed.
      assertThat(consumer.commits).isEmpty();
    }
  }

  @Test
  void shouldCountARefusedDiscoveryConfigButKeepPublishingAndCommittingState() throws Exception {
    // The locked-down broker's ACL has no room for Home Assistant's discovery prefix.
    PacedConsumer<Observation> consumer =
        LoopFixtures.inGroup(
            OBSERVATIONS,
            Observation::camera,
            List.of(List.of(Observations.of("cam1", T0, "open", false))));
    try (MosquittoBroker broker = MosquittoBroker.lockedDown(dir.resolve("broker"));
        MqttAlertPublisher publisher = LoopFixtures.connectLockedDown(broker);
        StatePublisher state =
            new StatePublisher(
                consumer,
                publisher,
                OBSERVATIONS,
                StatePublisher.Options.defaults().withHomeAssistant(true))) {
      Thread thread = start(state);

      await(
          () ->
              state
                          .metrics()
                          .refusedCount(
                              AlertsMetrics.OBSERVATIONS, MqttRefusedException.NOT_AUTHORIZED)
                      > 0
                  && Long.valueOf(1).equals(consumer.committed(OBSERVATIONS)),
          WAIT,
          "a refused discovery config and cam1's state committed");

      assertThat(state.publishedStates()).isEqualTo(1);
      assertThat(state.publishedDiscoveries()).isZero();
      assertThat(thread.isAlive()).isTrue();
      assertThat(state.status().state()).isEqualTo(LoopStatus.State.RUNNING);
    }
  }

  @Test
  void shouldCountARefusedAvailabilityAndEndTheLoop() throws Exception {
    List<CameraStatus> told = new CopyOnWriteArrayList<>();
    try (MosquittoBroker broker = MosquittoBroker.lockedDown(dir.resolve("broker"));
        MqttAlertPublisher publisher = LoopFixtures.connectLockedDown(broker)) {
      AvailabilityPublisher availability =
          new AvailabilityPublisher(
              LoopFixtures.wholeTopic(
                  Topics.defaults().cameraStatus(),
                  List.of(
                      Map.entry("cam2", new CameraStatus("cam2", CameraStatus.ONLINE, T0, T0)))),
              publisher,
              Topics.defaults().cameraStatus(),
              told::add);
      Thread thread = start(availability);

      assertEndedOnRefusal(availability, thread, "vigil/plant1/cam2/availability");
      assertThat(told).isEmpty();
    }
  }
}
