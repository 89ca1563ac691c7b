package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.agent.capture.AgentClock;
import dev.vigil.agent.capture.AgentException;
import dev.vigil.config.AudioFeatures;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeAgentTest {
  private static final Topics TOPICS = Topics.defaults();

  @TempDir static Path dir;
  static Path withAudio;
  static Path silent;
  static Path still;

  @BeforeAll
  static void recordVideos() throws Exception {
    withAudio = TestVideos.record(dir.resolve("moving-tone.mp4"), 10, 3, true, true);
    silent = TestVideos.record(dir.resolve("moving-silent.mp4"), 10, 3, true, false);
    still = TestVideos.record(dir.resolve("still.mp4"), 10, 3, false, false);
  }

  static SiteConfig.Camera camera(String id, Path source, double fps, double threshold) {
    return camera(id, source.toString(), fps, threshold);
  }

  static SiteConfig.Camera camera(String id, String source, double fps, double threshold) {
    return new SiteConfig.Camera(id, source, fps, 10, threshold, 0, List.of());
  }

  /** A 10 fps camera that skips frames with under 1% changed pixels, but for keyframes. */
  private static SiteConfig.Camera motionGated(String id, Path source, double keyframeIntervalS) {
    return new SiteConfig.Camera(id, source.toString(), 10, keyframeIntervalS, 0.01, 0, null);
  }

  static MockProducer<String, byte[]> mockProducer() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }

  /** Runs the agent until its file sources end and returns its stats. */
  static Map<String, CameraStats> run(
      List<SiteConfig.Camera> cams, MockProducer<String, byte[]> producer, AgentOptions options)
      throws InterruptedException {
    try (EdgeAgent agent = new EdgeAgent(cams, producer, TOPICS, options)) {
      agent.start();
      assertThat(agent.awaitSourcesEnded(Duration.ofSeconds(60))).isTrue();
      return agent.stats();
    }
  }

  /** Runs the agent on {@code cam} alone with the default options. */
  private static Map<String, CameraStats> run(
      SiteConfig.Camera cam, MockProducer<String, byte[]> producer) throws InterruptedException {
    return run(List.of(cam), producer, AgentOptions.defaults());
  }

  /** Options for a live source on a closed port: short timeout, 1 s doubling retries. */
  private static AgentOptions liveRetries(AgentClock clock, double jitter, int maxAttempts) {
    return AgentOptions.defaults()
        .withClock(clock)
        .withSourceTimeout(Duration.ofSeconds(2))
        .withRetry(Duration.ofSeconds(1), Duration.ofSeconds(30), jitter, maxAttempts);
  }

  /** The headers every record of camera {@code cam} carries, its key and its place {@code seq}. */
  private static void assertStamped(ProducerRecord<String, byte[]> r, String cam, int seq) {
    assertThat(r.key()).isEqualTo(cam);
    assertThat(header(r, VigilHeaders.CAMERA)).isEqualTo(cam);
    assertThat(header(r, VigilHeaders.SEQ)).isEqualTo(Integer.toString(seq));
    assertThat(header(r, VigilHeaders.SCHEMA)).isEqualTo("1");
  }

  /**
   * The snippets camera {@code cam} sent of its 3 s clip on {@code topic}, about one a second and
   * each counted, after checking that none went to {@code other}.
   */
  private static List<ProducerRecord<String, byte[]>> snippets(
      MockProducer<String, byte[]> producer,
      Map<String, CameraStats> stats,
      String topic,
      String other) {
    assertThat(records(producer, other)).isEmpty();
    List<ProducerRecord<String, byte[]>> sent = records(producer, topic);
    assertThat(sent).hasSizeBetween(3, 4);
    assertThat(stats.get("cam").audioSnippetsSent()).isEqualTo(sent.size());
    return sent;
  }

  static List<ProducerRecord<String, byte[]>> records(
      MockProducer<String, byte[]> producer, String topic) {
    return producer.history().stream()
        .filter(r -> r.topic().equals(topic))
        .collect(Collectors.toList());
  }

  static String header(ProducerRecord<String, byte[]> r, String name) {
    return VigilHeaders.get(r.headers(), name);
  }

  @Test
  void shouldSendTwoFramesPerMediaSecondWhenFpsIsTwo() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer();
    Map<String, CameraStats> stats = run(camera("cam", withAudio, 2, 0), producer);

    assertThat(records(producer, TOPICS.frames())).hasSize(6);
    CameraStats s = stats.get("cam");
    assertThat(s.state()).isEqualTo(CameraStats.State.ENDED);
    assertThat(s.framesGrabbed()).isEqualTo(30);
    assertThat(s.framesSent()).isEqualTo(6);
    assertThat(s.framesSampledOut()).isEqualTo(24);
  }

  @Test
  void shouldSendFiveFramesPerMediaSecondWhenFpsIsFive() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer();
    run(camera("cam", silent, 5, 0), producer);

    assertThat(records(producer, TOPICS.frames())).hasSize(15);
  }

  @Test
  void shouldStampHeadersAndMediaTimestampsWhenProducingFrames() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer();
    long before = System.currentTimeMillis();
    run(camera("gate-1", withAudio, 2, 0), producer);

    List<ProducerRecord<String, byte[]>> frames = records(producer, TOPICS.frames());
    assertThat(frames).hasSize(6);
    for (int i = 0; i < frames.size(); i++) {
      ProducerRecord<String, byte[]> r = frames.get(i);
      assertStamped(r, "gate-1", i);
      assertThat(header(r, VigilHeaders.WIDTH)).isEqualTo("320");
      assertThat(header(r, VigilHeaders.HEIGHT)).isEqualTo("240");
      double motion = VigilHeaders.getDouble(r.headers(), VigilHeaders.MOTION, -1);
      assertThat(motion).isBetween(0.0, 1.0);
      if (i > 0) {
        // the shapes move between samples, so some pixels changed
        assertThat(motion).isGreaterThan(0.0);
        // event time advances at video speed: one sample every 500 ms of media
        assertThat(r.timestamp() - frames.get(i - 1).timestamp()).isBetween(490L, 510L);
      }
    }
    assertThat(header(frames.get(0), VigilHeaders.KEYFRAME)).isEqualTo("1");
    assertThat(header(frames.get(1), VigilHeaders.KEYFRAME)).isEqualTo("0");
    // A file read faster than real time is stamped to end about now, never ahead of the clock.
    long after = System.currentTimeMillis();
    assertThat(frames.get(0).timestamp()).isBetween(before - 5_000, after);
    assertThat(frames.get(frames.size() - 1).timestamp()).isLessThanOrEqualTo(after);
  }

  @Test
  void shouldProduceDecodableJpegOfSourceSizeWhenFramesAreSent() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer();
    run(camera("cam", silent, 2, 0), producer);

    for (ProducerRecord<String, byte[]> r : records(producer, TOPICS.frames())) {
      byte[] jpeg = r.value();
      assertThat(jpeg[0] & 0xff).isEqualTo(0xFF);
      assertThat(jpeg[1] & 0xff).isEqualTo(0xD8);
      try (Mat buf = new Mat(new BytePointer(jpeg));
          Mat img = imdecode(buf, IMREAD_COLOR)) {
        assertThat(img.cols()).isEqualTo(320);
        assertThat(img.rows()).isEqualTo(240);
      }
    }
  }

  @Test
  void shouldSendOnlySoundFeaturesNeverRawAudioByDefault() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer();
    Map<String, CameraStats> stats = run(camera("cam", withAudio, 2, 0), producer);

    List<ProducerRecord<String, byte[]>> features =
        snippets(producer, stats, TOPICS.audioFeatures(), TOPICS.audio());
    for (int i = 0; i < features.size(); i++) {
      ProducerRecord<String, byte[]> r = features.get(i);
      assertThat(r.key()).isEqualTo("cam");
      assertThat(header(r, VigilHeaders.SEQ)).isEqualTo(Integer.toString(i));
      AudioFeatures f = Json.fromBytes(r.value(), AudioFeatures.class);
      // A steady 1 kHz tone: loud, and no value is anything but a number or a flag.
      assertThat(f.laeqDbfs()).isBetween(-40.0, 0.0);
      assertThat(r.value().length).isLessThan(100);
      if (i < features.size() - 1) {
        assertThat(header(r, VigilHeaders.DURATION_MS)).isEqualTo("1000");
      }
    }
  }

  @Test
  void shouldCutOneSecondSnippetsOf16kHzMonoWhenRawAudioIsOptedInto() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer();
    Map<String, CameraStats> stats =
        run(camera("cam", withAudio, 2, 0).withAudio(SiteConfig.AudioMode.PCM), producer);

    List<ProducerRecord<String, byte[]>> audio =
        snippets(producer, stats, TOPICS.audio(), TOPICS.audioFeatures());
    for (int i = 0; i < audio.size(); i++) {
      ProducerRecord<String, byte[]> r = audio.get(i);
      assertStamped(r, "cam", i);
      assertThat(header(r, VigilHeaders.RATE)).isEqualTo("16000");
      if (i < audio.size() - 1) {
        assertThat(r.value()).hasSize(32_000);
        assertThat(audio.get(i + 1).timestamp() - r.timestamp()).isBetween(990L, 1010L);
      } else {
        assertThat(r.value().length).isBetween(16_000, 32_000);
      }
    }
    // the 1 kHz tone survives resampling: about 2000 zero crossings per second at 16 kHz
    short[] pcm = pcm(audio.get(1).value());
    int crossings = 0;
    for (int k = 1; k < pcm.length; k++) {
      if ((pcm[k - 1] < 0) != (pcm[k] < 0)) {
        crossings++;
      }
    }
    assertThat(crossings).isBetween(1950, 2050);
  }

  /** Keeps what the agent tells its listener, from any capture thread. */
  private static final class RecordingListener implements AgentListener {
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final List<Duration> retries = new CopyOnWriteArrayList<>();
    final List<CameraStats> ended = new CopyOnWriteArrayList<>();

    @Override
    public void onSourceFailed(String cameraId, Throwable cause, Duration retryIn) {
      failures.add(cause);
      if (retryIn != null) {
        retries.add(retryIn);
      }
    }

    @Override
    public void onSourceEnded(String cameraId, CameraStats stats) {
      ended.add(stats);
    }
  }

  private static short[] pcm(byte[] le) {
    short[] s = new short[le.length / 2];
    ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
    return s;
  }

  @Test
  void shouldProduceNoAudioWhenSourceHasNoAudioTrack() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer();
    Map<String, CameraStats> stats = run(camera("cam", silent, 2, 0), producer);

    assertThat(records(producer, TOPICS.audio())).isEmpty();
    assertThat(records(producer, TOPICS.audioFeatures())).isEmpty();
    assertThat(stats.get("cam").audioSnippetsSent()).isZero();
    assertThat(records(producer, TOPICS.frames())).hasSize(6);
  }

  @Test
  void shouldSendOnlyKeyframesWhenVideoIsStatic() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer();
    Map<String, CameraStats> stats = run(motionGated("still", still, 1.0), producer);

    List<ProducerRecord<String, byte[]>> frames = records(producer, TOPICS.frames());
    // 30 frames over 3 s with a keyframe at least every 1 s: t = 0, 1000, 2000 ms
    assertThat(frames).hasSize(3);
    assertThat(frames).allSatisfy(r -> assertThat(header(r, VigilHeaders.KEYFRAME)).isEqualTo("1"));
    assertThat(frames.get(1).timestamp() - frames.get(0).timestamp()).isBetween(990L, 1010L);
    assertThat(stats.get("still").framesSkippedByMotion()).isEqualTo(27);
  }

  @Test
  void shouldSendEveryMovingFrameWhenMotionExceedsThreshold() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer();
    Map<String, CameraStats> stats = run(motionGated("moving", silent, 60), producer);

    assertThat(stats.get("moving").framesSkippedByMotion()).isZero();
    assertThat(records(producer, TOPICS.frames())).hasSize(30);
  }

  @Test
  void shouldReportFailureNamingPathWhenFileIsMissing() throws Exception {
    Path missing = dir.resolve("no-such-video.mp4");
    RecordingListener heard = new RecordingListener();
    Map<String, CameraStats> stats =
        run(
            List.of(camera("cam", missing, 2, 0)),
            mockProducer(),
            AgentOptions.defaults().withListener(heard));

    CameraStats s = stats.get("cam");
    assertThat(s.state()).isEqualTo(CameraStats.State.FAILED);
    assertThat(s.attempts()).isEqualTo(1);
    assertThat(s.lastError()).contains("not found").contains(missing.toString());
    assertThat(heard.failures).hasSize(1);
    assertThat(heard.retries).isEmpty();
  }

  @Test
  void shouldTellListenerWhenFileSourcesEnd() throws Exception {
    RecordingListener heard = new RecordingListener();
    run(
        List.of(camera("a", silent, 2, 0), camera("b", withAudio, 5, 0)),
        mockProducer(),
        AgentOptions.defaults().withListener(heard));

    assertThat(heard.ended).extracting(CameraStats::cameraId).containsExactlyInAnyOrder("a", "b");
    assertThat(heard.ended).allSatisfy(s -> assertThat(s.framesGrabbed()).isEqualTo(30));
  }

  @Test
  void shouldRetryLiveUrlWithGrowingDelayWhenPortIsClosed() throws Exception {
    RecordingClock clock = new RecordingClock();
    Map<String, CameraStats> stats =
        run(
            List.of(camera("rtsp", "rtsp://127.0.0.1:1/x", 2, 0)),
            mockProducer(),
            liveRetries(clock, 0.2, 4));

    CameraStats s = stats.get("rtsp");
    assertThat(s.state()).isEqualTo(CameraStats.State.FAILED);
    assertThat(s.attempts()).isEqualTo(4);
    assertThat(s.lastError()).contains("rtsp://127.0.0.1:1/x");
    assertThat(clock.sleeps).hasSize(3);
    assertThat(clock.sleeps.get(0).toMillis()).isBetween(1000L, 1200L);
    assertThat(clock.sleeps.get(1).toMillis()).isBetween(2000L, 2400L);
    assertThat(clock.sleeps.get(2).toMillis()).isBetween(4000L, 4800L);
  }

  @Test
  void shouldNeverShowTheSourcePasswordInStatsOrErrors() throws Exception {
    Map<String, CameraStats> stats =
        run(
            List.of(camera("cam", "rtsp://admin:hunter2@127.0.0.1:1/x", 2, 0)),
            mockProducer(),
            liveRetries(new RecordingClock(), 0, 1));

    CameraStats s = stats.get("cam");
    assertThat(s.state()).isEqualTo(CameraStats.State.FAILED);
    assertThat(s.source()).isEqualTo("rtsp://admin:***@127.0.0.1:1/x");
    assertThat(s.lastError()).contains("rtsp://admin:***@127.0.0.1:1/x").doesNotContain("hunter2");
    assertThat(s.toString()).doesNotContain("hunter2");
  }

  @Test
  void shouldSendFivePerSecondOfRealClipWhenFpsIsFive() throws Exception {
    String shared = System.getProperty("vigil.shared.data");
    Path clip = shared == null ? null : Path.of(shared, "video", "face-demographics-walking.mp4");
    assumeTrue(
        clip != null && Files.isRegularFile(clip),
        "real footage ../shared/data/video/face-demographics-walking.mp4 absent; skipping");
    MockProducer<String, byte[]> producer = mockProducer();
    Map<String, CameraStats> stats = run(camera("walk", clip, 5, 0), producer);

    // 12 fps for 2.9 s: 35 frames, sampled at 0, 250, 416, 666, 833, 1000 ... 2833 ms
    assertThat(stats.get("walk").framesGrabbed()).isEqualTo(35);
    List<ProducerRecord<String, byte[]>> frames = records(producer, TOPICS.frames());
    assertThat(frames).hasSize(15);
    assertThat(header(frames.get(0), VigilHeaders.WIDTH)).isEqualTo("480");
    assertThat(header(frames.get(0), VigilHeaders.HEIGHT)).isEqualTo("270");
    assertThat(records(producer, TOPICS.audio())).isEmpty();
  }

  @Test
  void shouldReplayFileFromTheStartWithRisingTimestampsWhenLooping() throws Exception {
    RecordingListener heard = new RecordingListener();
    MockProducer<String, byte[]> producer = mockProducer();
    AgentOptions options =
        AgentOptions.defaults()
            .withRealtime(true)
            .withLoop(true)
            .withClock(new RecordingClock())
            .withListener(heard);
    CameraStats s;
    try (EdgeAgent agent =
        new EdgeAgent(List.of(camera("cam", silent, 2, 0)), producer, TOPICS, options)) {
      agent.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      // Three passes of the 30-frame clip.
      while (agent.stats().get("cam").framesGrabbed() < 90 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      s = agent.stats().get("cam");
    }

    assertThat(s.framesGrabbed()).isGreaterThanOrEqualTo(90);
    assertThat(heard.ended).isEmpty();
    assertThat(heard.failures).isEmpty();
    List<ProducerRecord<String, byte[]>> frames = records(producer, TOPICS.frames());
    assertThat(frames).hasSizeGreaterThanOrEqualTo(3 * 5);
    for (int i = 1; i < frames.size(); i++) {
      // One camera whose clock runs on across each replay: never a stamp twice or backwards.
      assertStamped(frames.get(i), "cam", i);
      assertThat(frames.get(i).timestamp()).isGreaterThan(frames.get(i - 1).timestamp());
    }
  }

  @Test
  void shouldEndRatherThanReplayAFileThatGaveNoFrame() throws Exception {
    Path empty = TestVideos.recordAudioOnly(dir.resolve("sound-only.mp4"), 1);
    RecordingListener heard = new RecordingListener();
    Map<String, CameraStats> stats =
        run(
            List.of(camera("cam", empty, 2, 0)),
            mockProducer(),
            AgentOptions.defaults()
                .withRealtime(true)
                .withLoop(true)
                .withClock(new RecordingClock())
                .withListener(heard));

    assertThat(stats.get("cam").framesGrabbed()).isZero();
    assertThat(stats.get("cam").attempts()).isEqualTo(1);
    assertThat(heard.ended).extracting(CameraStats::cameraId).containsExactly("cam");
  }

  @Test
  void shouldRefuseToLoopFilesReadAsFastAsPossible() {
    assertThatThrownBy(() -> AgentOptions.defaults().withLoop(true))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("loop needs realtime");
  }

  @Test
  void shouldSleepToMediaClockWhenRealtimeAndNotOtherwise() throws Exception {
    RecordingClock paced = new RecordingClock();
    run(
        List.of(camera("cam", silent, 2, 0)),
        mockProducer(),
        AgentOptions.defaults().withRealtime(true).withClock(paced));
    long sleptMs = paced.sleeps.stream().mapToLong(Duration::toMillis).sum();
    // 3 s of video, the last frame at 2.9 s; grabbing itself takes some real time
    assertThat(sleptMs).isBetween(2000L, 2900L);

    RecordingClock fast = new RecordingClock();
    run(
        List.of(camera("cam", silent, 2, 0)),
        mockProducer(),
        AgentOptions.defaults().withClock(fast));
    assertThat(fast.sleeps).isEmpty();
  }
}
