package dev.vigil.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The camera search's cameras send what the real agent sends for the clip, each under its own id,
 * on the clock of the clip, each from its own point of the clip.
 */
class ReplayFleetTest {
  private static final Path CLIP =
      Path.of(System.getProperty("vigil.shared.data", "../shared/data"))
          .resolve("video/worker-zone-detection.mp4");

  @Test
  void shouldReplayTheAgentsFramesForEachCameraInOrderAndPaced() throws Exception {
    assumeTrue(Files.isRegularFile(CLIP), "sample footage not found at " + CLIP + "; skipping");
    Topics topics = Topics.defaults();
    ClipRecording rec = ClipRecording.record(CLIP, topics, 2, 0);
    // 71 frames at 15 fps sampled at 2 fps, no motion gate: one frame each 0.5 s of the clip.
    assertThat(rec.frames()).hasSizeBetween(8, 11);
    assertThat(rec.frames().get(1).offsetMs()).isBetween(400L, 600L);
    assertThat(rec.skipFraction()).isZero();

    MockProducer<String, byte[]> sink =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    long t0 = System.currentTimeMillis();
    Map<String, Integer> firstFrame = new HashMap<>();
    try (ReplayFleet fleet = new ReplayFleet(sink, topics.frames(), rec, List.of("a", "b"))) {
      // Two cameras: one from the start of the clip, one from its middle.
      assertThat(fleet.phaseMs(0)).isZero();
      assertThat(fleet.phaseMs(1)).isEqualTo(rec.lengthMs() / 2);
      firstFrame.put("a", fleet.firstFrame(0));
      firstFrame.put("b", fleet.firstFrame(1));
      assertThat(firstFrame.get("a")).isZero();
      assertThat(rec.frames().get(firstFrame.get("b")).offsetMs())
          .isGreaterThanOrEqualTo(rec.lengthMs() / 2);
      fleet.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (fleet.sent() < 6 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }

    Map<String, List<ProducerRecord<String, byte[]>>> byCamera =
        sink.history().stream().collect(Collectors.groupingBy(ProducerRecord::key));
    assertThat(byCamera).containsOnlyKeys("a", "b");
    for (var e : byCamera.entrySet()) {
      List<ProducerRecord<String, byte[]>> sent = e.getValue();
      int first = firstFrame.get(e.getKey());
      assertThat(sent.size()).isGreaterThanOrEqualTo(2);
      for (int i = 0; i < sent.size(); i++) {
        ProducerRecord<String, byte[]> r = sent.get(i);
        assertThat(r.topic()).isEqualTo(topics.frames());
        assertThat(VigilHeaders.get(r.headers(), VigilHeaders.CAMERA)).isEqualTo(e.getKey());
        assertThat(VigilHeaders.getLong(r.headers(), VigilHeaders.SEQ, -1)).isEqualTo(i);
        assertThat(r.value()).isEqualTo(frame(rec, first + i).jpeg());
      }
      // Paced like the clip, not sent at once.
      long gap = sent.get(sent.size() - 1).timestamp() - sent.get(0).timestamp();
      long clipGap = clipMs(rec, first + sent.size() - 1) - clipMs(rec, first);
      assertThat(gap).isGreaterThanOrEqualTo(clipGap - 50);
      assertThat(sent.get(0).timestamp()).isGreaterThanOrEqualTo(t0);
    }
  }

  /** Frame {@code n} of the replay, counting on past the clip's end into its next loop. */
  private static ClipRecording.Frame frame(ClipRecording rec, int n) {
    return rec.frames().get(n % rec.frames().size());
  }

  /** When frame {@code n} of the replay is due, in clip time. */
  private static long clipMs(ClipRecording rec, int n) {
    return n / rec.frames().size() * rec.lengthMs() + frame(rec, n).offsetMs();
  }
}
