package dev.vigil.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Box;
import dev.vigil.config.Json;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.Person;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.vlm.FakeChatServer;
import dev.vigil.inference.vlm.FakeChatServer.Reply;
import dev.vigil.inference.vlm.TestImages;
import dev.vigil.inference.vlm.VlmClient;
import dev.vigil.processor.dashboard.SnapshotStore;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.vlm.TestAnswers;
import dev.vigil.processor.vlm.VlmDispatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt outside the language, answered by a model behind a loopback chat-completions server: the
 * topology asks through the real dispatcher and client, and the answers it produced are fed back
 * through {@code vigil.vlm-answers} as Kafka would. The person detector is replaced by one that
 * sees a person in every frame but {@link #NOBODY}: the gate, not perception, is under test.
 */
class VlmTopologyTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final Topics TOPICS = Topics.defaults();
  private static final String CAMERA = "dock-1";
  private static final String EXIT = "is the fire exit blocked?";
  private static final byte[] SOMEONE = TestImages.jpeg(64, 48);
  private static final byte[] NOBODY = TestImages.jpeg(32, 24);

  @TempDir Path stateDir;
  @AutoClose private FakeChatServer server;
  @AutoClose private VlmDispatcher dispatcher;
  @AutoClose private TestTopology topology;
  private final BlockingQueue<VlmAnswer> answered = new LinkedBlockingQueue<>();
  private TestInputTopic<String, VlmAnswer> answers;

  /** Sees one person in every frame except {@link #NOBODY}. */
  private static final class Gate implements FrameAnalyzer {
    @Override
    public FrameAnalysis analyze(byte[] image) {
      List<Person> people =
          Arrays.equals(image, NOBODY)
              ? List.of()
              : List.of(
                  new Person(
                      new Box(0.4, 0.2, 0.6, 0.9), 0.9, null, null, null, null, List.of(), null));
      return new FrameAnalysis(64, 48, people, Map.of());
    }

    @Override
    public void close() {}
  }

  private void start(Reply reply, SiteConfig.Vlm vlm) throws Exception {
    if (server == null) {
      server = FakeChatServer.start(reply);
    }
    SiteConfig.Vlm config =
        vlm != null ? vlm : SiteConfig.Vlm.of(server.baseUrl(), "fake-vl").withMinIntervalS(0);
    dispatcher =
        new VlmDispatcher(config, new VlmClient(config), answered::add, System::currentTimeMillis);
    topology =
        new TestTopology(
            VigilTopology.build(
                TOPICS,
                new Gate(),
                Map.of(CAMERA, TestTopology.camera(CAMERA)),
                () -> null,
                new VigilMetrics(),
                new SnapshotStore(),
                dispatcher),
            "vigil-vlm-test",
            stateDir);
    answers =
        topology.driver.createInputTopic(
            TOPICS.vlmAnswers(),
            Serdes.String().serializer(),
            new JsonSerde<>(VlmAnswer.class).serializer());
  }

  private void start(Reply reply) throws Exception {
    start(reply, null);
  }

  private void addPrompt(String id, String text) {
    topology.prompts.pipeInput(
        id, Json.toBytes(new PromptSpec(id, text, List.of(), 0, "critical")), T0);
  }

  private void frame(byte[] jpeg, long ts) {
    topology.frames.pipeInput(CAMERA, jpeg, ts);
  }

  /**
   * Empty frames, one a second from {@code ts} for 8 s: the tracker keeps a lost person for two
   * frames, then the rule needs 5 s of false to resolve.
   */
  private void nobodyFrom(long ts) {
    for (int i = 0; i <= 8; i++) {
      frame(NOBODY, ts + 1_000L * i);
    }
  }

  /**
   * Waits for the model's next answer and feeds it back as Kafka would: to the rules, stamped with
   * its frame, and to the dispatcher's reader of {@code vigil.vlm-answers}.
   */
  private VlmAnswer relayAnswer() throws InterruptedException {
    VlmAnswer a = answered.poll(10, TimeUnit.SECONDS);
    assertThat(a).as("an answer from the model").isNotNull();
    answers.pipeInput(a.camera(), a, a.frameTime());
    dispatcher.read(a);
    return a;
  }

  private JsonNode latestStatus(String id) {
    topology.driver.advanceWallClockTime(Duration.ofSeconds(1));
    JsonNode last = null;
    for (var r : topology.status.readRecordsToList()) {
      if (r.key().equals(id)) {
        last = Json.mapper().valueToTree(Json.fromBytes(r.value().getBytes(), Map.class));
      }
    }
    return last;
  }

  @Test
  void shouldOpenAndResolveAViolationOnTheModelsAnswers() throws Exception {
    start(Reply.answer(true, 0.9, "pallets stand in front of the exit door"));
    addPrompt("exit", EXIT);

    frame(SOMEONE, T0);
    VlmAnswer yes = relayAnswer();
    assertThat(yes.verdict()).isEqualTo(VlmAnswer.YES);
    assertThat(yes.frameTime()).isEqualTo(T0);

    List<Violation> opened = topology.violations.readValuesToList();
    assertThat(opened).hasSize(1);
    Violation open = opened.get(0);
    assertThat(open.state()).isEqualTo(Violation.State.OPEN);
    assertThat(open.prompt().text()).isEqualTo(EXIT);
    assertThat(open.model())
        .isEqualTo(
            new Violation.ModelVerdict(
                "fake-vl", "answer", "yes", 0.9, "pallets stand in front of the exit door"));
    assertThat(open.evidence().boxes())
        .as("the people the gate saw when the model was asked")
        .extracting(Violation.LabelledBox::label)
        .contains("person");
    assertThat(open.evidence().counts()).containsEntry("people", 1);

    server.reply(Reply.answer(false, 0.95, "the exit is clear"));
    frame(SOMEONE, T0 + 6_000);
    assertThat(relayAnswer().verdict()).isEqualTo(VlmAnswer.NO);
    List<Violation> resolved = topology.violations.readValuesToList();
    assertThat(resolved).hasSize(1);
    assertThat(resolved.get(0).state()).isEqualTo(Violation.State.RESOLVED);
    assertThat(resolved.get(0).id()).isEqualTo(open.id());
    assertThat(resolved.get(0).model().reason()).isEqualTo("the exit is clear");
  }

  @Test
  void shouldNeverOpenOnProseOrARefusal() throws Exception {
    start(Reply.content("Yes, the exit is blocked."));
    addPrompt("exit", EXIT);
    frame(SOMEONE, T0);
    assertThat(relayAnswer().error()).isEqualTo("prose");
    server.reply(Reply.refusal("I can't help with that."));
    frame(SOMEONE, T0 + 1_000);
    assertThat(relayAnswer().error()).isEqualTo("refusal");
    assertThat(topology.violations.readValuesToList()).isEmpty();
  }

  @Test
  void shouldAskOnlyWhileSomeoneIsInView() throws Exception {
    start(Reply.answer(true, 0.9, "r"));
    addPrompt("exit", EXIT);
    frame(NOBODY, T0);
    frame(SOMEONE, T0 + 1_000);
    VlmAnswer a = relayAnswer();
    assertThat(a.frameTime()).as("the first frame with someone in view").isEqualTo(T0 + 1_000);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void shouldNotAskAgainForAnAnswerAlreadyRecorded() throws Exception {
    start(Reply.answer(true, 0.9, "r"));
    dispatcher.read(TestAnswers.yes(CAMERA, "exit", "ask fake-vl: " + EXIT, T0));
    addPrompt("exit", EXIT);
    frame(SOMEONE, T0);
    frame(SOMEONE, T0 + 1_000);
    // The second frame is asked about; the first one's answer was recorded, so it is not.
    assertThat(relayAnswer().frameTime()).isEqualTo(T0 + 1_000);
    assertThat(server.requests()).hasSize(1);
    assertThat(dispatcher.metrics().skipped("recorded")).isEqualTo(1);
  }

  @Test
  void shouldAcceptAPromptOutsideTheLanguageAsAVlmPromptAndSayWhy() throws Exception {
    start(Reply.answer(true, 0.9, "r"));
    addPrompt("exit", EXIT);
    JsonNode s = latestStatus("exit");
    assertThat(s.path("status").asText()).isEqualTo("accepted");
    assertThat(s.path("compiled").path("route").asText()).isEqualTo("vlm");
    assertThat(s.path("compiled").path("model").asText()).isEqualTo("fake-vl");
    assertThat(s.path("compiled").path("why").asText())
        .startsWith("outside the prompt language, so the multimodal model answers it: ");
    assertThat(s.path("model_status").asText()).isEqualTo("ok");
  }

  @Test
  void shouldSayTheModelIsUnreachableWhenTheServerWantsAKey() throws Exception {
    server = FakeChatServer.requiringKey("sk-1", Reply.answer(true, 0.9, "r"));
    start(null);
    addPrompt("exit", EXIT);
    frame(SOMEONE, T0);
    assertThat(relayAnswer().error()).isEqualTo("unauthorized");
    JsonNode s = latestStatus("exit");
    assertThat(s.path("model_status").asText())
        .startsWith("model unreachable: 401 invalid_api_key: Incorrect API key provided");
    assertThat(topology.violations.readValuesToList()).isEmpty();
    assertThat(dispatcher.metrics().calls("unauthorized")).isEqualTo(1);
  }

  @Test
  void shouldSayTheModelIsUnreachableWhenAnotherInstancesCallsFail() throws Exception {
    start(Reply.answer(true, 0.9, "r"));
    addPrompt("exit", EXIT);
    frame(SOMEONE, T0);
    assertThat(relayAnswer().verdict()).isEqualTo(VlmAnswer.YES);
    // The instance serving dock-2 has a key the server refuses; its answer is on the topic.
    dispatcher.read(
        TestAnswers.failed("dock-2", "exit", T0, "unauthorized", "401 invalid_api_key: no"));
    assertThat(latestStatus("exit").path("model_status").asText())
        .isEqualTo("model unreachable: 401 invalid_api_key: no (camera dock-2)");
    dispatcher.read(TestAnswers.yes("dock-2", "exit", "ask fake-vl: " + EXIT, T0 + 1_000));
    assertThat(latestStatus("exit").path("model_status").asText()).isEqualTo("ok");
  }

  @Test
  void shouldOpenOnAYesThatComesBackAfterTheGateClosed() throws Exception {
    // A slow model: the person leaves, and the gate closes, before the answer comes back.
    server = FakeChatServer.start(Reply.answer(true, 0.9, "a trolley blocks the exit"));
    start(null, SiteConfig.Vlm.of(server.baseUrl(), "fake-vl").withMinIntervalS(30));
    addPrompt("exit", EXIT);
    frame(SOMEONE, T0);
    for (int s = 1; s <= 3; s++) {
      frame(NOBODY, T0 + 1_000L * s);
    }
    assertThat(relayAnswer().frameTime()).isEqualTo(T0);
    List<Violation> opened = topology.violations.readValuesToList();
    assertThat(opened)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.state()).isEqualTo(Violation.State.OPEN);
              assertThat(v.started()).as("the frame the model saw").isEqualTo(T0);
              assertThat(v.model().reason()).isEqualTo("a trolley blocks the exit");
            });
    nobodyFrom(T0 + 4_000);
    assertThat(topology.violations.readValuesToList())
        .singleElement()
        .extracting(Violation::state, Violation::id)
        .containsExactly(Violation.State.RESOLVED, opened.get(0).id());
    assertThat(server.requests()).hasSize(1);
  }

  private static final String PEOPLE = "how many people are in view?";

  private void addVerified(String id, String mode) {
    topology.prompts.pipeInput(
        id, Json.toBytes(new PromptSpec(id, PEOPLE, List.of(), 0, "warning", "vlm", mode)), T0);
  }

  @Test
  void shouldHoldBackAnAlertTheModelRejectsUnderGateAndKeepItAsRejected() throws Exception {
    start(Reply.answer(false, 0.9, "the figure is a poster on the wall"));
    addVerified("people", "gate");
    frame(SOMEONE, T0);
    assertThat(topology.violations.readValuesToList()).as("held until the model answers").isEmpty();
    VlmAnswer verdict = relayAnswer();
    assertThat(verdict.kind()).isEqualTo(VlmAnswer.VERIFY);
    assertThat(server.requests().get(0).body().toString()).contains(PEOPLE);

    List<Violation> out = topology.violations.readValuesToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).state()).isEqualTo(Violation.State.REJECTED);
    assertThat(out.get(0).model())
        .isEqualTo(
            new Violation.ModelVerdict(
                "fake-vl", "verify", "no", 0.9, "the figure is a poster on the wall"));
    // The rest of a rejected episode is no alert either.
    nobodyFrom(T0 + 10_000);
    assertThat(topology.violations.readValuesToList()).isEmpty();
  }

  @Test
  void shouldAddTheVerdictToTheAlertUnderAnnotate() throws Exception {
    start(Reply.answer(true, 0.8, "one worker, no helmet"));
    addVerified("people", "annotate");
    frame(SOMEONE, T0);
    relayAnswer();
    List<Violation> out = topology.violations.readValuesToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).state()).isEqualTo(Violation.State.OPEN);
    assertThat(out.get(0).model().purpose()).isEqualTo("verify");
    assertThat(out.get(0).model().verdict()).isEqualTo("yes");
    nobodyFrom(T0 + 10_000);
    assertThat(topology.violations.readValuesToList())
        .singleElement()
        .extracting(Violation::state)
        .isEqualTo(Violation.State.RESOLVED);
  }

  @Test
  void shouldLetAnAlertOutWhenTheVerdictIsUnknownOrNeverComes() throws Exception {
    start(Reply.content("Looks fine to me"));
    addVerified("people", "gate");
    frame(SOMEONE, T0);
    relayAnswer();
    List<Violation> out = topology.violations.readValuesToList();
    assertThat(out).singleElement().extracting(Violation::state).isEqualTo(Violation.State.OPEN);
    assertThat(out.get(0).model().verdict()).isEqualTo("unknown");

    // A second camera's episode whose verdict never arrives: released after the wait.
    nobodyFrom(T0 + 10_000);
    topology.violations.readValuesToList();
    frame(SOMEONE, T0 + 20_000);
    assertThat(answered.poll(10, TimeUnit.SECONDS)).as("asked, but not relayed").isNotNull();
    assertThat(topology.violations.readValuesToList()).isEmpty();
    topology.driver.advanceWallClockTime(Duration.ofSeconds(45));
    // Released on the wait, before the silent camera's episode resolves in the same tick.
    List<Violation> released = topology.violations.readValuesToList();
    assertThat(released).extracting(Violation::state).startsWith(Violation.State.OPEN);
    assertThat(released.get(0).model().reason()).isEqualTo("no verdict within 40 s");
  }
}
