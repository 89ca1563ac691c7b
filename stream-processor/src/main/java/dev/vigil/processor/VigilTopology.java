package dev.vigil.processor;

import dev.vigil.config.Json;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.processor.dashboard.EvidenceCapture;
import dev.vigil.processor.dashboard.EvidenceSnapshots;
import dev.vigil.processor.dashboard.SnapshotStore;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.rules.CameraClock;
import dev.vigil.processor.rules.RuleState;
import dev.vigil.processor.scene.AudioWindow;
import dev.vigil.processor.scene.CameraState;
import dev.vigil.processor.vlm.VlmDispatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds Vigil's Kafka Streams topology. Static, so tests can run it in {@code TopologyTestDriver}
 * with no broker.
 *
 * <pre>
 * vigil.frames ─► perceive ─► scene ─► rules ─► vigil.observations, vigil.violations,
 *                    │            ▲      ▲         vigil.prompt-status, vigil.camera-status
 *                    ▼            │      └── vigil.vlm-answers ◄─ model calls (VlmDispatcher)
 *                vigil.dlq        └── audio ◄─ vigil.audio
 *                                (prompts: global store of vigil.prompts)
 * </pre>
 *
 * Frames, audio, audio features and the model's answers share stores, so their topics must have the
 * same partition count (all are keyed by camera).
 */
public final class VigilTopology {
  public static final String CAMERA_STATE_STORE = "camera-state";
  public static final String AUDIO_STORE = "audio-window";
  public static final String RULE_STATE_STORE = "rule-state";
  public static final String PROMPTS_STORE = "prompts";
  public static final String CAMERA_CLOCK_STORE = "camera-clock";
  static final String VIOLATIONS_OUT = "violations-out";

  /** Stage of the JSON (de)serialisation of state store values (part of tracking and rules). */
  public static final String STORE_SERDE = "store_serde";

  /** Stage of the JSON serialisation of output records (part of rules). */
  public static final String OUTPUT_SERDE = "output_serde";

  static final String VLM_ANSWERS_SOURCE = "vlm-answers-source";
  public static final String PENDING_ALERTS_STORE = "vlm-pending-alerts";

  private VigilTopology() {}

  /**
   * Builds the topology.
   *
   * @param topics topic names
   * @param analyzer the vision model; owned by the caller, who closes it after the streams app
   * @param cameras camera configs by id, for zones and audio calibration; cameras not listed get no
   *     zones
   * @param audioAnalyzers makes one stateful audio analyser per camera
   */
  public static Topology build(
      Topics topics,
      FrameAnalyzer analyzer,
      Map<String, SiteConfig.Camera> cameras,
      Supplier<AudioSnippetAnalyzer> audioAnalyzers) {
    return build(
        topics, analyzer, cameras, audioAnalyzers, new VigilMetrics(), new SnapshotStore(), null);
  }

  /**
   * As {@link #build(Topics, FrameAnalyzer, Map, Supplier)}, counting frames in {@code metrics},
   * keeping each camera's latest frame in {@code snapshots} for the dashboard, and with {@code vlm}
   * answering the prompts outside the language (null when the site has no model; the caller owns it
   * and closes it after the streams app).
   */
  public static Topology build(
      Topics topics,
      FrameAnalyzer analyzer,
      Map<String, SiteConfig.Camera> cameras,
      Supplier<AudioSnippetAnalyzer> audioAnalyzers,
      VigilMetrics metrics,
      SnapshotStore snapshots,
      VlmDispatcher vlm) {
    Topology t = new Topology();
    var strings = Serdes.String();
    var bytes = Serdes.ByteArray();

    t.addSource("frames-source", strings.deserializer(), bytes.deserializer(), topics.frames());
    t.addSource("audio-source", strings.deserializer(), bytes.deserializer(), topics.audio());
    t.addSource(
        "audio-features-source",
        strings.deserializer(),
        bytes.deserializer(),
        topics.audioFeatures());
    t.addProcessor(
        PerceiveProcessor.NAME,
        () -> new PerceiveProcessor(analyzer, metrics, snapshots, cameras, vlm),
        "frames-source");
    t.addProcessor(
        AudioProcessor.NAME,
        () -> new AudioProcessor(audioAnalyzers, metrics, cameras),
        "audio-source");
    t.addProcessor(
        AudioFeaturesProcessor.NAME,
        () -> new AudioFeaturesProcessor(metrics, cameras),
        "audio-features-source");
    t.addProcessor(
        SceneProcessor.NAME, () -> new SceneProcessor(cameras, metrics), PerceiveProcessor.NAME);
    List<String> ruleInputs = new ArrayList<>(List.of(SceneProcessor.NAME));
    if (vlm != null) {
      // The model's answers step the same rules; a site without a model needs no such topic.
      t.addSource(
          VLM_ANSWERS_SOURCE,
          strings.deserializer(),
          new JsonSerde<>(VlmAnswer.class).deserializer(),
          topics.vlmAnswers());
      ruleInputs.add(VLM_ANSWERS_SOURCE);
    }
    t.addProcessor(
        RuleProcessor.NAME,
        () -> new RuleProcessor(cameras, metrics, vlm),
        ruleInputs.toArray(String[]::new));

    t.addSink(
        DeadLetters.SINK,
        topics.dlq(),
        strings.serializer(),
        TimedSerde.serializer(OUTPUT_SERDE, anyValue(), metrics),
        PerceiveProcessor.NAME,
        AudioProcessor.NAME,
        AudioFeaturesProcessor.NAME);
    t.addSink(
        RuleProcessor.OBSERVATIONS_SINK,
        topics.observations(),
        strings.serializer(),
        TimedSerde.serializer(OUTPUT_SERDE, anyValue(), metrics),
        RuleProcessor.NAME);
    // Violations pass through evidence capture on their way out: the rules forward to it by the
    // sink's name, and it stores a face-blurred snapshot of an opening violation's frame.
    t.addProcessor(
        RuleProcessor.VIOLATIONS_SINK, () -> new EvidenceCapture(snapshots), RuleProcessor.NAME);
    t.addStateStore(EvidenceSnapshots.storeBuilder(), RuleProcessor.VIOLATIONS_SINK);
    t.addSink(
        VIOLATIONS_OUT,
        topics.violations(),
        strings.serializer(),
        TimedSerde.serializer(OUTPUT_SERDE, anyValue(), metrics),
        RuleProcessor.VIOLATIONS_SINK);
    t.addSink(
        RuleProcessor.PROMPT_STATUS_SINK,
        topics.promptStatus(),
        strings.serializer(),
        TimedSerde.serializer(OUTPUT_SERDE, anyValue(), metrics),
        RuleProcessor.NAME);

    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(CAMERA_STATE_STORE),
            strings,
            TimedSerde.of(STORE_SERDE, new JsonSerde<>(CameraState.class), metrics)),
        SceneProcessor.NAME);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(AUDIO_STORE),
            strings,
            TimedSerde.of(STORE_SERDE, new JsonSerde<>(AudioWindow.class), metrics)),
        AudioProcessor.NAME,
        AudioFeaturesProcessor.NAME,
        SceneProcessor.NAME);
    t.addSink(
        RuleProcessor.CAMERA_STATUS_SINK,
        topics.cameraStatus(),
        strings.serializer(),
        TimedSerde.serializer(OUTPUT_SERDE, anyValue(), metrics),
        RuleProcessor.NAME);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(CAMERA_CLOCK_STORE),
            strings,
            TimedSerde.of(STORE_SERDE, new JsonSerde<>(CameraClock.class), metrics)),
        RuleProcessor.NAME);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(RULE_STATE_STORE),
            strings,
            TimedSerde.of(STORE_SERDE, new JsonSerde<>(RuleState.class), metrics)),
        RuleProcessor.NAME);
    if (vlm != null) {
      t.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore(PENDING_ALERTS_STORE),
              strings,
              new JsonSerde<>(PendingAlert.class)),
          RuleProcessor.NAME);
    }
    t.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROMPTS_STORE), strings, bytes)
            .withLoggingDisabled(),
        "prompts-source",
        strings.deserializer(),
        bytes.deserializer(),
        topics.prompts(),
        "prompts-updater",
        PromptStoreUpdater::new);
    return t;
  }

  /** Raw bytes pass through (dead letters); anything else is written as JSON; null stays null. */
  private static Serializer<Object> anyValue() {
    return (topic, value) ->
        value == null ? null : value instanceof byte[] b ? b : Json.toBytes(value);
  }
}
