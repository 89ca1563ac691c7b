package dev.vigil.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.Json;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.Observation;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import dev.vigil.config.Violation;
import dev.vigil.inference.audio.AudioAnalyzer;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.vision.PersonPerception;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole topology on the real person model, in TopologyTestDriver with explicit event
 * timestamps: frames in, observations, violations and dead letters out.
 */
class VigilTopologyTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final Topics TOPICS = Topics.defaults();
  private static final String CAMERA = "dock-1";
  private static PersonPerception model;
  private static byte[] worker;
  private static byte[] empty;

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> frames;
  private TestInputTopic<String, byte[]> prompts;
  private TestOutputTopic<String, Observation> observations;
  private TestOutputTopic<String, Violation> violations;
  private TestOutputTopic<String, byte[]> dlq;
  private TestOutputTopic<String, String> status;

  @BeforeAll
  static void loadModel() throws Exception {
    Path data = Path.of(System.getProperty("vigil.shared.data", "../shared/data"));
    Path frame = data.resolve("frames/intel_worker-zone_01.png");
    assumeTrue(Files.isRegularFile(frame), "real frames not found at " + data + "; skipping");
    model = PersonPerception.open(new ModelStore(), 2);
    worker = jpeg(opencv_imgcodecs.imread(frame.toString()));
    try (Mat gray =
        new Mat(
            432,
            768,
            org.bytedeco.opencv.global.opencv_core.CV_8UC3,
            new Scalar(128, 128, 128, 0))) {
      empty = jpeg(gray);
    }
  }

  @AfterAll
  static void closeModel() {
    if (model != null) {
      model.close();
    }
  }

  private static byte[] jpeg(Mat image) {
    try (BytePointer buf = new BytePointer()) {
      opencv_imgcodecs.imencode(".jpg", image, buf);
      byte[] out = new byte[(int) buf.limit()];
      buf.get(out);
      return out;
    }
  }

  /** An input topic of {@link #driver} with string keys and byte values. */
  private TestInputTopic<String, byte[]> input(String topic) {
    return driver.createInputTopic(
        topic, Serdes.String().serializer(), Serdes.ByteArray().serializer());
  }

  /** An output topic of {@link #driver} with string keys. */
  private <V> TestOutputTopic<String, V> output(String topic, Deserializer<V> values) {
    return driver.createOutputTopic(topic, Serdes.String().deserializer(), values);
  }

  @BeforeEach
  void start() {
    TestTopology t =
        new TestTopology(
            VigilTopology.build(
                TOPICS,
                model,
                Map.of(CAMERA, TestTopology.camera(CAMERA)),
                () -> new AudioAnalyzer()::analyze),
            "vigil-test",
            stateDir);
    driver = t.driver;
    frames = t.frames;
    prompts = t.prompts;
    violations = t.violations;
    status = t.status;
    var strings = Serdes.String();
    observations =
        driver.createOutputTopic(
            TOPICS.observations(), strings.deserializer(), JsonSerde.observation().deserializer());
    dlq =
        driver.createOutputTopic(
            TOPICS.dlq(), strings.deserializer(), Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
  }

  private void addPrompt(String id, String text) {
    prompts.pipeInput(id, Json.toBytes(new PromptSpec(id, text, List.of(), 0, "warning")), T0);
  }

  private void frame(byte[] jpeg, long seq, long ts) {
    frame(CAMERA, jpeg, seq, ts);
  }

  private void frame(String camera, byte[] jpeg, long seq, long ts) {
    RecordHeaders headers = new RecordHeaders();
    VigilHeaders.put(headers, VigilHeaders.SEQ, seq);
    frames.pipeInput(new TestRecord<>(camera, jpeg, headers, ts));
  }

  private static String header(TestRecord<String, byte[]> r, String name) {
    return VigilHeaders.get(r.headers(), name);
  }

  @Test
  void shouldLeaveHeadsBelowTheCamerasMinHeadPxNotJudged() {
    // The same frame from a camera whose min_head_px no head reaches: shown, not judged.
    driver.close();
    SiteConfig.Camera strict =
        new SiteConfig.Camera(
            CAMERA, "x.mp4", 2, 10, 0, 0, 30, 10, 1000, SiteConfig.AudioMode.FEATURES, List.of());
    TestTopology t =
        new TestTopology(
            VigilTopology.build(
                TOPICS, model, Map.of(CAMERA, strict), () -> new AudioAnalyzer()::analyze),
            "vigil-test-min-head",
            stateDir.resolve("min-head"));
    driver = t.driver;
    t.frames.pipeInput(CAMERA, worker, T0);
    List<Observation> obs =
        output(TOPICS.observations(), JsonSerde.observation().deserializer()).readValuesToList();
    assertThat(obs.get(0).people()).isNotEmpty();
    assertThat(obs.get(0).people())
        .filteredOn(p -> p.head() != null)
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.helmet()).isNull());
  }

  @Test
  void shouldOpenForACameraReplayingAMinuteBehindAnotherOnTheSamePartition() {
    addPrompt("people", "Are there more than 0 people in view for 5 seconds?");
    // One partition: "late" replays a spool 60 s behind the live camera, interleaved with it.
    for (int s = 0; s <= 6; s++) {
      frame(CAMERA, worker, s, T0 + 60_000 + s * 1000L);
      frame("late", worker, s, T0 + s * 1000L);
    }
    assertThat(violations.readValuesToList())
        .extracting(Violation::camera, Violation::state, Violation::id)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                CAMERA, Violation.State.OPEN, Violation.episodeId(CAMERA, "people", T0 + 60_000)),
            org.assertj.core.groups.Tuple.tuple(
                "late", Violation.State.OPEN, Violation.episodeId("late", "people", T0)));
  }

  @Test
  void shouldDeadLetterPoisonRecordsWithTheirOriginAndGoOn() {
    addPrompt("people", "How many people are in view?");
    TestInputTopic<String, byte[]> audio = input(TOPICS.audio());
    RecordHeaders lowRate = new RecordHeaders();
    VigilHeaders.put(lowRate, VigilHeaders.RATE, 5000);
    audio.pipeInput(new TestRecord<>(CAMERA, new byte[3200], lowRate, T0));
    input(TOPICS.audioFeatures()).pipeInput(CAMERA, "{\"laeq_dbfs\":\"loud\"}".getBytes(), T0);
    frame("dock/1+#", worker, 1, T0);
    long farFuture = System.currentTimeMillis() + Duration.ofHours(1).toMillis();
    frame(CAMERA, worker, 2, farFuture);
    byte[] huge = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 7);
    frame(CAMERA, huge, 3, T0);
    frame(CAMERA, worker, 4, T0 + 500);

    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead)
        .extracting(r -> header(r, VigilHeaders.DLQ_CODE))
        .containsExactly(
            "bad_audio", "bad_audio", "bad_camera_id", "future_timestamp", "undecodable");
    assertThat(header(dead.get(0), VigilHeaders.DLQ_REASON)).contains("5000 Hz");
    assertThat(header(dead.get(0), VigilHeaders.DLQ_TOPIC)).isEqualTo(TOPICS.audio());
    assertThat(header(dead.get(1), VigilHeaders.DLQ_TOPIC)).isEqualTo(TOPICS.audioFeatures());
    assertThat(header(dead.get(2), VigilHeaders.DLQ_REASON)).contains("\"dock/1+#\"");
    assertThat(header(dead.get(3), VigilHeaders.DLQ_REASON)).contains("max_future_s");
    // Too large to keep: a reference with the size, no payload.
    assertThat(dead.get(4).value()).isNull();
    assertThat(header(dead.get(4), VigilHeaders.DLQ_SIZE)).isEqualTo(Integer.toString(huge.length));
    assertThat(header(dead.get(4), VigilHeaders.DLQ_OFFSET)).isEqualTo("2");
    assertThat(header(dead.get(4), VigilHeaders.DLQ_EXCEPTION))
        .isEqualTo(dev.vigil.inference.UndecodableFrameException.class.getName());
    assertThat(observations.readValuesToList()).extracting(Observation::seq).containsExactly(4L);
  }

  @Test
  void shouldEmitObservationsAndOpenViolationWhenPersonInView() {
    addPrompt("people", "How many people are in view?");
    frame(worker, 1, T0);
    frame(worker, 2, T0 + 500);

    List<Observation> obs = observations.readValuesToList();
    assertThat(obs).hasSize(2);
    assertThat(obs.get(0).people()).hasSize(1);
    assertThat(obs.get(0).seq()).isEqualTo(1);
    assertThat(obs.get(0).timestamp()).isEqualTo(T0);
    assertThat(obs.get(0).people().get(0).trackId()).isEqualTo(1L);
    assertThat(obs.get(0).timingsMs()).containsKeys("decode", "model");
    Observation.PromptAnswer answer = obs.get(0).answers().get("people");
    assertThat(answer.answer()).isEqualTo(1.0);
    assertThat(answer.holds()).isTrue();
    assertThat(answer.violation()).isEqualTo("open");
    assertThat(answer.text()).isEqualTo("How many people are in view?");

    List<TestRecord<String, Violation>> events = violations.readRecordsToList();
    assertThat(events).hasSize(1);
    Violation open = events.get(0).value();
    assertThat(events.get(0).key()).isEqualTo(CAMERA + "/people");
    assertThat(open.state()).isEqualTo(Violation.State.OPEN);
    assertThat(open.id()).isEqualTo(Violation.episodeId(CAMERA, "people", T0));
    assertThat(open.answer()).isEqualTo(1.0);
    assertThat(open.evidence().boxes()).extracting(Violation.LabelledBox::label).contains("person");
    assertThat(open.evidence().counts()).containsEntry("people", 1);
  }

  @Test
  void shouldDeadLetterCorruptJpegAndProcessNextFrame() {
    addPrompt("people", "How many people are in view?");
    byte[] corrupt = java.util.Arrays.copyOf(worker, 200);
    frame(corrupt, 1, T0);
    frame(worker, 2, T0 + 500);

    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(corrupt);
    assertThat(VigilHeaders.get(dead.get(0).headers(), VigilHeaders.DLQ_REASON)).contains("decode");
    assertThat(VigilHeaders.get(dead.get(0).headers(), VigilHeaders.DLQ_TOPIC))
        .isEqualTo(TOPICS.frames());
    assertThat(VigilHeaders.get(dead.get(0).headers(), VigilHeaders.DLQ_OFFSET)).isEqualTo("0");
    List<Observation> obs = observations.readValuesToList();
    assertThat(obs).extracting(Observation::seq).containsExactly(2L);
    assertThat(violations.readValuesToList())
        .extracting(Violation::state)
        .containsExactly(Violation.State.OPEN);
  }

  @Test
  void shouldResolveWhenSceneStaysEmpty() {
    addPrompt("people", "How many people are in view?");
    frame(worker, 1, T0);
    for (int i = 1; i <= 16; i++) {
      frame(empty, 1 + i, T0 + i * 500L);
    }
    List<Violation> events = violations.readValuesToList();
    assertThat(events)
        .extracting(Violation::state)
        .containsExactly(Violation.State.OPEN, Violation.State.RESOLVED);
    assertThat(events.get(1).id()).isEqualTo(events.get(0).id());
    assertThat(events.get(1).ended()).isNotNull();
  }

  @Test
  void shouldApplyPromptsAddedAndRemovedAtRuntime() {
    frame(worker, 1, T0);
    assertThat(violations.readValuesToList()).isEmpty();

    addPrompt("people", "How many people are in view?");
    frame(worker, 2, T0 + 1000);
    assertThat(violations.readValuesToList())
        .extracting(Violation::state)
        .containsExactly(Violation.State.OPEN);

    prompts.pipeInput("people", (byte[]) null, T0 + 1500);
    // Removing the prompt resolves its open episode within a second, even with no new frames.
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    List<Violation> resolved = violations.readValuesToList();
    assertThat(resolved).extracting(Violation::state).containsExactly(Violation.State.RESOLVED);
    assertThat(resolved.get(0).ended()).isEqualTo(T0 + 1000);
    frame(worker, 3, T0 + 3000);
    frame(worker, 4, T0 + 4000);
    assertThat(violations.readValuesToList()).isEmpty();
  }

  @Test
  void shouldReportPromptStatusForAcceptedAndRefusedPrompts() throws Exception {
    addPrompt("people", "How many people are in view?");
    addPrompt("bad", "How many forklifts are in zone dock?");
    prompts.pipeInput("junk", "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8), T0);
    frame(worker, 1, T0);
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    Map<String, String> byId = status.readKeyValuesToMap();
    assertThat(Json.mapper().readTree(byId.get("people")).get("status").asText())
        .isEqualTo("accepted");
    assertThat(Json.mapper().readTree(byId.get("people")).get("compiled").get("measure").asText())
        .isEqualTo("count");
    assertThat(Json.mapper().readTree(byId.get("bad")).get("reason").asText())
        .contains("forklifts");
    assertThat(Json.mapper().readTree(byId.get("junk")).get("status").asText())
        .isEqualTo("rejected");
  }
}
