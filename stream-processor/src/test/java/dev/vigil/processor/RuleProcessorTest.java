package dev.vigil.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Box;
import dev.vigil.config.CameraStatus;
import dev.vigil.config.Json;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.Observation;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.Violation;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.rules.CameraClock;
import dev.vigil.processor.rules.RuleState;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rule processor alone, in the Kafka Streams style: a MockProcessorContext with in-memory
 * stores, explicit record timestamps and punctuators fired by hand.
 */
class RuleProcessorTest {
  private static final long T0 = 1_700_000_000_000L;
  private MockProcessorContext<String, Object> context;
  private KeyValueStore<String, byte[]> prompts;
  private KeyValueStore<String, RuleState> states;
  private KeyValueStore<String, CameraClock> clocks;
  private RuleProcessor processor;

  /** An in-memory store of the processor, open and known to {@link #context}. */
  private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
    KeyValueStore<String, V> store =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  @BeforeEach
  void setUp() {
    context = new MockProcessorContext<>();
    prompts = store(VigilTopology.PROMPTS_STORE, Serdes.ByteArray());
    states = store(VigilTopology.RULE_STATE_STORE, new JsonSerde<>(RuleState.class));
    clocks = store(VigilTopology.CAMERA_CLOCK_STORE, new JsonSerde<>(CameraClock.class));
    context.setCurrentSystemTimeMs(T0);
    processor = new RuleProcessor(Map.of(), new VigilMetrics());
    processor.init(context);
  }

  private void prompt(String id, String text, double cooldown) {
    prompts.put(id, Json.toBytes(new PromptSpec(id, text, List.of(), cooldown, "warning")));
  }

  private void frame(long ts, int people) {
    frame("cam", ts, people);
  }

  /** A frame of {@code camera} stamped {@code ts} that arrives now (the mock's wall clock). */
  private void frame(String camera, long ts, int people) {
    List<Person> ps =
        java.util.stream.IntStream.range(0, people)
            .mapToObj(
                i ->
                    Person.detected(
                        new Box(0.1 * i, 0.2, 0.1 * i + 0.08, 0.9), 0.8, new Point(0.1 * i, 0.9)))
            .toList();
    Observation o = new Observation(1, camera, ts, ts, 640, 480, ps, null, Map.of(), null);
    processor.process(new Record<>(camera, o, ts));
  }

  /** Moves the wall clock to {@code now} and fires the wall-clock punctuators. */
  private void tick(long now) {
    context.setCurrentSystemTimeMs(now);
    for (CapturedPunctuator p : context.scheduledPunctuators()) {
      if (p.getType() == PunctuationType.WALL_CLOCK_TIME) {
        p.getPunctuator().punctuate(now);
      }
    }
  }

  private List<CameraStatus> statuses() {
    return context.forwarded().stream()
        .filter(f -> f.childName().orElse("").equals(RuleProcessor.CAMERA_STATUS_SINK))
        .map(f -> (CameraStatus) f.record().value())
        .toList();
  }

  private List<Violation> violations() {
    List<Violation> out =
        context.forwarded().stream()
            .filter(f -> f.childName().orElse("").equals(RuleProcessor.VIOLATIONS_SINK))
            .map(f -> (Violation) f.record().value())
            .toList();
    context.resetForwards();
    return out;
  }

  /** Prompt {@code people} counts everyone; one person at {@link #T0} opens its episode. */
  private void openPeopleEpisode() {
    prompt("people", "How many people are in view?", 0);
    frame(T0, 1);
    assertThat(violations()).extracting(Violation::state).containsExactly(Violation.State.OPEN);
  }

  /**
   * Prompt {@code people}: one person at {@link #T0} opens its episode, and nobody is seen a second
   * later; both frames arrive on time. The episode is open, waiting for its resolve delay.
   */
  private void openThenSeeNobody() {
    prompt("people", "How many people are in view?", 0);
    context.setCurrentSystemTimeMs(T0);
    frame(T0, 1);
    context.setCurrentSystemTimeMs(T0 + 1000);
    frame(T0 + 1000, 0);
    assertThat(violations()).extracting(Violation::state).containsExactly(Violation.State.OPEN);
  }

  @Test
  void shouldOpenAfterForAndEmitObservationWithAnswer() {
    prompt("people", "Are there more than 1 people in view for 2 seconds?", 0);
    frame(T0, 2);
    frame(T0 + 1000, 2);
    assertThat(violations()).isEmpty();
    frame(T0 + 2000, 2);
    Observation last =
        (Observation)
            context.forwarded().stream()
                .filter(f -> f.childName().orElse("").equals(RuleProcessor.OBSERVATIONS_SINK))
                .reduce((a, b) -> b)
                .orElseThrow()
                .record()
                .value();
    List<Violation> v = violations();
    assertThat(v).extracting(Violation::state).containsExactly(Violation.State.OPEN);
    assertThat(v.get(0).id()).isEqualTo(Violation.episodeId("cam", "people", T0));
    assertThat(last.answers().get("people").violation()).isEqualTo("open");
  }

  @Test
  void shouldResolveOnTheCamerasOwnTimeWhileItIsSilent() {
    openThenSeeNobody();
    tick(T0 + 3000);
    assertThat(violations()).isEmpty();
    tick(T0 + 6500);
    List<Violation> v = violations();
    assertThat(v).extracting(Violation::state).containsExactly(Violation.State.RESOLVED);
    assertThat(v.get(0).ended()).isEqualTo(T0 + 6500);
    assertThat(v.get(0).reason()).isNull();
  }

  @Test
  void shouldNotMoveACamerasRulesWithAnotherCamerasLaterTimestamps() {
    prompt("people", "Are there more than 0 people in view for 5 seconds?", 0);
    // "late" replays its spool 60 s behind "live", both arriving now, on one partition.
    for (int s = 0; s <= 6; s++) {
      context.setCurrentSystemTimeMs(T0 + 60_000 + s * 1000L);
      frame("live", T0 + 60_000 + s * 1000L, 1);
      frame("late", T0 + s * 1000L, 1);
      tick(T0 + 60_000 + s * 1000L);
    }
    assertThat(violations())
        .extracting(Violation::camera, Violation::state, Violation::started)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("live", Violation.State.OPEN, T0 + 60_000),
            org.assertj.core.groups.Tuple.tuple("late", Violation.State.OPEN, T0));
  }

  @Test
  void shouldGoOfflineResolveWithReasonAndStartFreshWhenTheCameraReturns() {
    prompt("people", "How many people are in view?", 0);
    frame(T0, 1);
    assertThat(statuses()).extracting(CameraStatus::availability).containsExactly("online");
    assertThat(violations()).extracting(Violation::state).containsExactly(Violation.State.OPEN);
    tick(T0 + 20_000);
    assertThat(statuses()).isEmpty();
    tick(T0 + 31_000);
    List<CameraStatus> offline = statuses();
    List<Violation> v = violations();
    assertThat(v).extracting(Violation::state).containsExactly(Violation.State.RESOLVED);
    assertThat(v.get(0).reason()).isEqualTo(Violation.REASON_CAMERA_OFFLINE);
    assertThat(v.get(0).ended()).isEqualTo(T0);
    assertThat(offline).extracting(CameraStatus::availability).containsExactly("offline");
    assertThat(states.get("cam/people")).isNull();
    tick(T0 + 40_000);
    assertThat(violations()).isEmpty();

    context.setCurrentSystemTimeMs(T0 + 50_000);
    frame(T0 + 50_000, 1);
    List<CameraStatus> online = statuses();
    List<Violation> back = violations();
    assertThat(online).extracting(CameraStatus::availability).containsExactly("online");
    assertThat(back).extracting(Violation::state).containsExactly(Violation.State.OPEN);
    assertThat(back.get(0).started()).isEqualTo(T0 + 50_000);
  }

  @Test
  void shouldResolveWithPromptChangedWhenAnEditChangesTheMeaning() {
    openPeopleEpisode();
    // Cooldown and severity are not the meaning: the episode stays open.
    prompts.put(
        "people",
        Json.toBytes(
            new PromptSpec("people", "How many people are in view?", List.of(), 30, "critical")));
    frame(T0 + 1000, 1);
    assertThat(violations()).isEmpty();
    prompt("people", "Are there more than 0 people in view for 10 seconds?", 0);
    frame(T0 + 2000, 1);
    List<Violation> v = violations();
    assertThat(v).extracting(Violation::state).containsExactly(Violation.State.RESOLVED);
    assertThat(v.get(0).reason()).isEqualTo(Violation.REASON_PROMPT_CHANGED);
    assertThat(v.get(0).ended()).isEqualTo(T0 + 1000);
  }

  @Test
  void shouldResolveWithPromptChangedWhenTheMeaningChangesWhileTheCameraIsSilent() {
    openThenSeeNobody();
    tick(T0 + 3000); // silent: the closer advances the rule to the camera's own time
    assertThat(violations()).isEmpty();
    assertThat(states.get("cam/people").meaning()).isNotNull();

    prompt("people", "Are there more than 0 people in view for 10 seconds?", 0);
    tick(T0 + 4000);
    List<Violation> v = violations();
    assertThat(v).extracting(Violation::state).containsExactly(Violation.State.RESOLVED);
    assertThat(v.get(0).reason()).isEqualTo(Violation.REASON_PROMPT_CHANGED);
  }

  @Test
  void shouldKeepRunningTheLastAcceptedVersionWhenAnEditIsRejected() {
    openPeopleEpisode();
    prompt("people", "How many people are in view?", -5);
    frame(T0 + 1000, 1);
    tick(T0 + 1500);
    assertThat(states.get("cam/people").phase()).isEqualTo(RuleState.Phase.OPEN);
    Map<?, ?> status =
        context.forwarded().stream()
            .filter(f -> f.childName().orElse("").equals(RuleProcessor.PROMPT_STATUS_SINK))
            .map(f -> (Map<?, ?>) f.record().value())
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(status.get("status")).isEqualTo("rejected");
    assertThat((String) status.get("reason")).contains("cooldown_s must be in [0, 86400], got -5");
    assertThat(status.get("running")).isNotNull();
    assertThat(violations()).isEmpty();
  }

  @Test
  void shouldSuppressNewEpisodeDuringCooldown() {
    prompt("people", "How many people are in view?", 30);
    frame(T0, 1);
    for (int s = 1; s <= 6; s++) {
      frame(T0 + s * 1000L, 0);
    }
    assertThat(violations())
        .extracting(Violation::state)
        .containsExactly(Violation.State.OPEN, Violation.State.RESOLVED);
    frame(T0 + 10_000, 1);
    assertThat(violations()).isEmpty();
    frame(T0 + 40_000, 1);
    assertThat(violations()).extracting(Violation::state).containsExactly(Violation.State.OPEN);
  }

  @Test
  void shouldResolveOpenEpisodeWhenPromptIsRemovedAndWallClockPunctuatorFires() {
    openPeopleEpisode();
    prompts.delete("people");
    tick(T0 + 1000);
    List<Violation> v = violations();
    assertThat(v).extracting(Violation::state).containsExactly(Violation.State.RESOLVED);
    assertThat(v.get(0).reason()).isEqualTo(Violation.REASON_PROMPT_REMOVED);
    assertThat(states.get("cam/people")).isNull();
  }

  private void tracked(long ts, Boolean... helmets) {
    List<Person> ps = new java.util.ArrayList<>();
    for (int i = 0; i < helmets.length; i++) {
      Box body = new Box(0.2 * i, 0.2, 0.2 * i + 0.1, 0.9);
      ps.add(
          Person.detected(body, 0.8, new Point(0.2 * i + 0.05, 0.9))
              .withHead(new Box(0.2 * i, 0.2, 0.2 * i + 0.05, 0.3), 0.5, helmets[i])
              .withTrackId((long) i + 1));
    }
    Observation o = new Observation(1, "cam", ts, ts, 640, 480, ps, null, Map.of(), null);
    processor.process(new Record<>("cam", o, ts));
  }

  @Test
  void shouldOpenPerPersonOnlyWhenTheSamePersonHoldsForTheDuration() {
    prompt("same", "Is the same person without a helmet in view for 3 seconds?", 0);
    // Track 1 is bare-headed throughout; track 2 is bare for 2 s, then wears a helmet; each
    // second somebody is without a helmet, but only track 1 for 3 s.
    tracked(T0, false, false);
    tracked(T0 + 1000, false, false);
    tracked(T0 + 2000, false, true);
    tracked(T0 + 3000, false, true);
    tracked(T0 + 4000, false, true);
    List<Violation> v = violations();
    assertThat(v).extracting(Violation::state).containsExactly(Violation.State.OPEN);
    assertThat(v.get(0).id()).isEqualTo(Violation.episodeId("cam", "same#1", T0));
    assertThat(v.get(0).evidence().boxes())
        .extracting(Violation.LabelledBox::label)
        .containsExactly("person", "no_helmet");
    // Track 1 leaves: after the resolve delay its episode resolves.
    tracked(T0 + 5000);
    tracked(T0 + 11000);
    assertThat(violations()).extracting(Violation::state).containsExactly(Violation.State.RESOLVED);
  }
}
