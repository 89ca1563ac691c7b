package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.agent.spool.DiskSpool;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent with a disk spool, while Kafka cannot take records and after it can again. */
class EdgeAgentSpoolTest {
  private static final Topics TOPICS = Topics.defaults();
  private static final AgentOptions FAST_RETRY =
      AgentOptions.defaults().withRetry(Duration.ofMillis(50), Duration.ofMillis(200), 0, 0);

  @TempDir static Path videos;
  static Path clip;

  @TempDir Path spoolDir;

  @BeforeAll
  static void recordVideo() throws Exception {
    clip = TestVideos.record(videos.resolve("moving.mp4"), 10, 3, true, false);
  }

  private static List<String> frameSeqs(MockProducer<String, byte[]> producer) {
    return EdgeAgentTest.records(producer, TOPICS.frames()).stream()
        .map(r -> VigilHeaders.get(r.headers(), VigilHeaders.SEQ))
        .toList();
  }

  /** An agent on the clip at {@code fps}, spooling to {@code spool}, started. */
  private static EdgeAgent started(
      MockProducer<String, byte[]> producer, int fps, DiskSpool spool) {
    EdgeAgent agent =
        new EdgeAgent(
            List.of(EdgeAgentTest.camera("cam", clip, fps, 0)),
            producer,
            TOPICS,
            FAST_RETRY,
            spool);
    agent.start();
    return agent;
  }

  /** A producer whose every send fails with {@code failure}, as while Kafka is away. */
  private static MockProducer<String, byte[]> failingWith(RuntimeException failure) {
    MockProducer<String, byte[]> producer = EdgeAgentTest.mockProducer();
    producer.sendException = failure;
    return producer;
  }

  /** The spool in {@link #spoolDir}: what one run leaves, the next opens again. */
  private DiskSpool openSpool() throws IOException {
    return DiskSpool.open(spoolDir, 64 << 20);
  }

  private static void awaitEnded(EdgeAgent agent, DiskSpool spool, long records)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((!agent.stats().get("cam").state().terminal() || spool.stats().records() < records)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void shouldSpoolEveryFrameWhileKafkaIsAway_thenReplayThemInCaptureOrder() throws Exception {
    MockProducer<String, byte[]> producer =
        failingWith(new TimeoutException("Topic vigil.frames not present in metadata"));
    try (DiskSpool spool = openSpool();
        EdgeAgent agent = started(producer, 5, spool)) {
      awaitEnded(agent, spool, 15);
      CameraStats away = agent.stats().get("cam");

      // 3 s at 5 fps: every frame waits on disk, none is lost or counted as an error.
      assertThat(away.spooled()).isEqualTo(15);
      assertThat(spool.stats().records()).isEqualTo(15);
      assertThat(away.framesSent()).isZero();
      assertThat(away.sendErrors()).isZero();
      assertThat(producer.history()).isEmpty();

      producer.sendException = null; // Kafka is back
      assertThat(agent.awaitSourcesEnded(Duration.ofSeconds(30))).isTrue();

      assertThat(spool.isEmpty()).isTrue();
      assertThat(frameSeqs(producer))
          .containsExactly(
              "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14");
      assertThat(agent.stats().get("cam").framesSent()).isEqualTo(15);
    }
  }

  @Test
  void shouldReplayWhatAnEarlierRunLeftSpooled() throws Exception {
    MockProducer<String, byte[]> away = failingWith(new TimeoutException("Kafka away"));
    try (DiskSpool spool = openSpool();
        EdgeAgent agent = started(away, 2, spool)) {
      awaitEnded(agent, spool, 6);
    } // the agent stops with Kafka still away: the frames stay on disk

    MockProducer<String, byte[]> back = EdgeAgentTest.mockProducer();
    try (DiskSpool spool = openSpool();
        EdgeAgent agent = new EdgeAgent(List.of(), back, TOPICS, FAST_RETRY, spool)) {
      assertThat(spool.stats().records()).isEqualTo(6);
      agent.start();
      assertThat(agent.awaitSourcesEnded(Duration.ofSeconds(30))).isTrue();

      assertThat(frameSeqs(back)).containsExactly("0", "1", "2", "3", "4", "5");
      ProducerRecord<String, byte[]> first = back.history().get(0);
      assertThat(first.key()).isEqualTo("cam");
      assertThat(first.value()).isNotEmpty();
    }
  }

  @Test
  void shouldCountARecordKafkaRefusesForGoodInsteadOfSpoolingIt() throws Exception {
    MockProducer<String, byte[]> producer = failingWith(new RecordTooLargeException("too large"));
    try (DiskSpool spool = openSpool();
        EdgeAgent agent = started(producer, 2, spool)) {
      assertThat(agent.awaitSourcesEnded(Duration.ofSeconds(30))).isTrue();
      CameraStats stats = agent.stats().get("cam");

      assertThat(stats.sendErrors()).isEqualTo(6);
      assertThat(stats.spooled()).isZero();
      assertThat(spool.isEmpty()).isTrue();
    }
  }
}
