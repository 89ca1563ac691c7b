package dev.vigil.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * on the clock of the clip.
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
    try (ReplayFleet fleet = new ReplayFleet(sink, topics.frames(), rec, List.of("a", "b"))) {
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
      assertThat(sent.size()).isGreaterThanOrEqualTo(2);
      for (int i = 0; i < sent.size(); i++) {
        ProducerRecord<String, byte[]> r = sent.get(i);
        assertThat(r.topic()).isEqualTo(topics.frames());
        assertThat(VigilHeaders.get(r.headers(), VigilHeaders.CAMERA)).isEqualTo(e.getKey());
        assertThat(VigilHeaders.getLong(r.headers(), VigilHeaders.SEQ, -1)).isEqualTo(i);
        assertThat(r.value()).isEqualTo(rec.frames().get(i).jpeg());
      }
      // Paced like the clip, not sent at once.
      long gap = sent.get(sent.size() - 1).timestamp() - sent.get(0).timestamp();
      assertThat(gap).isGreaterThanOrEqualTo(rec.frames().get(sent.size() - 1).offsetMs() - 50);
      assertThat(sent.get(0).timestamp()).isGreaterThanOrEqualTo(t0);
    }
  }
}
