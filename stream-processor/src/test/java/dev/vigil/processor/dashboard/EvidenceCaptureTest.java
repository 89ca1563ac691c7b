package dev.vigil.processor.dashboard;

import static dev.vigil.processor.dashboard.DashboardFixtures.T0;
import static dev.vigil.processor.dashboard.DashboardFixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Box;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.config.Violation;
import dev.vigil.inference.vision.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class EvidenceCaptureTest {
  private static final int W = 640;
  private static final int H = 480;
  private static final Box HEAD = new Box(0.40, 0.10, 0.55, 0.35);

  /** A frame of random noise: every region has high variance until something smooths it. */
  private static byte[] noiseFrame() {
    return TestImages.noiseJpeg(W, H, 11);
  }

  /** Pixel variance of the grey image inside {@code box} (normalised to the frame). */
  private static double variance(byte[] jpeg, Box box) {
    try (Mat grey = TestImages.decodeGrey(jpeg);
        UByteIndexer px = grey.createIndexer()) {
      assertThat(grey.cols()).isEqualTo(W);
      double sum = 0;
      double sq = 0;
      int n = 0;
      for (int y = (int) (box.y1() * H); y < (int) (box.y2() * H); y++) {
        for (int x = (int) (box.x1() * W); x < (int) (box.x2() * W); x++) {
          double v = px.get(y, x);
          sum += v;
          sq += v * v;
          n++;
        }
      }
      double mean = sum / n;
      return sq / n - mean * mean;
    }
  }

  /** Violations from "rules-out" through evidence capture to vigil.violations. */
  private static TopologyTestDriver driver(SnapshotStore frames) {
    Topology t = new Topology();
    t.addSource("in", new StringDeserializer(), JsonSerde.violation().deserializer(), "rules-out");
    t.addProcessor("capture", () -> new EvidenceCapture(frames), "in");
    t.addStateStore(EvidenceSnapshots.storeBuilder(), "capture");
    t.addSink(
        "out",
        "vigil.violations",
        new StringSerializer(),
        JsonSerde.violation().serializer(),
        "capture");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "evidence-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, DashboardFixtures.stateDir());
    return new TopologyTestDriver(t, p, Instant.ofEpochMilli(T0));
  }

  private static TestInputTopic<String, Violation> rules(TopologyTestDriver d) {
    return d.createInputTopic(
        "rules-out", new StringSerializer(), JsonSerde.violation().serializer());
  }

  private static TestOutputTopic<String, Violation> violations(TopologyTestDriver d) {
    return d.createOutputTopic(
        "vigil.violations", new StringDeserializer(), JsonSerde.violation().deserializer());
  }

  private static DashboardServer server(TopologyTestDriver d) {
    return new DashboardServer(
            "127.0.0.1", 0, new DashboardApi(d::getKeyValueStore), new VigilMetrics())
        .withEvidence(EvidenceSource.local(d::getKeyValueStore));
  }

  @Test
  void shouldServeTheOpeningFrameWithItsHeadBlurredAndForgetItAfterTheRetention() throws Exception {
    SnapshotStore frames = new SnapshotStore();
    byte[] raw = noiseFrame();
    Person worker =
        Person.detected(new Box(0.35, 0.08, 0.60, 0.95), 0.9, new Point(0.47, 0.95))
            .withHead(HEAD, 0.1, false);
    frames.offer("cam-1", raw, List.of(worker), T0);
    try (TopologyTestDriver d = driver(frames);
        DashboardServer server = server(d)) {
      TestInputTopic<String, Violation> in = rules(d);
      TestOutputTopic<String, Violation> out = violations(d);
      Violation open = violation("cam-1", "no-helmet", Violation.State.OPEN, 1.0, T0 - 5_000);
      in.pipeInput("cam-1/no-helmet", open, T0);
      in.pipeInput(
          "cam-1/no-helmet",
          violation("cam-1", "no-helmet", Violation.State.RESOLVED, 0.0, T0 - 5_000),
          T0 + 60_000);

      List<Violation> written = out.readValuesToList();
      String path = "/evidence/cam-1/" + open.id() + ".jpg";
      assertThat(written).extracting(v -> v.evidence().snapshot()).containsExactly(path, path);
      HttpResponse<byte[]> served = get(server, path);
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.headers().firstValue("content-type")).hasValue("image/jpeg");
      // The head is noise in the camera's frame and a flat mosaic in what is served.
      assertThat(variance(raw, HEAD)).isGreaterThan(1000);
      assertThat(variance(served.body(), HEAD)).isLessThan(150);
      // Away from the person the frame is still the frame (only re-encoded).
      Box corner = new Box(0.02, 0.70, 0.20, 0.95);
      assertThat(variance(served.body(), corner)).isGreaterThan(1000);

      d.advanceWallClockTime(EvidenceSnapshots.RETENTION.plus(EvidenceCapture.PURGE_EVERY));
      HttpResponse<byte[]> gone = get(server, path);
      assertThat(gone.statusCode()).isEqualTo(404);
      assertThat(new String(gone.body(), StandardCharsets.UTF_8)).contains("older than 24 h");
    }
  }

  @Test
  void shouldNameNoSnapshotWhenTheFrameThatOpenedItHasBeenReplaced() throws Exception {
    SnapshotStore frames = new SnapshotStore();
    frames.offer("cam-1", noiseFrame(), List.of(), T0 + 10_000);
    try (TopologyTestDriver d = driver(frames);
        DashboardServer server = server(d)) {
      Violation open = violation("cam-1", "no-helmet", Violation.State.OPEN, 1.0, T0 - 5_000);
      rules(d).pipeInput("cam-1/no-helmet", open, T0);

      assertThat(violations(d).readValue().evidence().snapshot()).isNull();
      HttpResponse<byte[]> none = get(server, "/evidence/cam-1/" + open.id() + ".jpg");
      assertThat(none.statusCode()).isEqualTo(404);
      assertThat(new String(none.body(), StandardCharsets.UTF_8)).contains("none was taken");
      assertThat(get(server, "/evidence/cam-1/../../etc/passwd").statusCode()).isEqualTo(404);
      assertThat(get(server, "/evidence/cam-1/" + open.id() + ".png").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void shouldStillWriteTheViolationWhenTheFrameCannotBeRendered() {
    SnapshotStore frames = new SnapshotStore();
    frames.offer("cam-1", new byte[] {1, 2, 3}, List.of(), T0);
    try (TopologyTestDriver d = driver(frames)) {
      rules(d)
          .pipeInput(
              "cam-1/no-helmet",
              violation("cam-1", "no-helmet", Violation.State.OPEN, 1.0, T0 - 5_000),
              T0);

      Violation written = violations(d).readValue();
      assertThat(written.state()).isEqualTo(Violation.State.OPEN);
      assertThat(written.evidence().snapshot()).isNull();
    }
  }

  private static HttpResponse<byte[]> get(DashboardServer server, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }
}
