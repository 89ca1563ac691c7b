package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.agent.AgentOptions;
import dev.vigil.agent.AgentProducer;
import dev.vigil.agent.CameraStats;
import dev.vigil.agent.EdgeAgent;
import dev.vigil.agent.spool.DiskSpool;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka outage at the edge, on a real broker: the agent captures real footage while the broker is
 * down, and every frame reaches Kafka, in capture order, once the broker is back.
 */
class AgentOutageIT {
  private static final Path VIDEO =
      Path.of(System.getProperty("vigil.shared.data", "../shared/data"))
          .resolve("video/worker-zone-detection.mp4");
  private static final Topics TOPICS = Topics.defaults();

  @TempDir Path dir;

  @Test
  void shouldDeliverEveryFrameCapturedWhileKafkaWasDown() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path kafkaDir = dir.resolve("kafka");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(port, kafkaDir)) {
      kafka.createTopics(Map.of(TOPICS.frames(), 1, TOPICS.audio(), 1), Set.of());
    } // the broker is down from here on

    String bootstrap = "localhost:" + port;
    Map<String, String> quickFailures =
        Map.of(
            ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000",
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000");
    SiteConfig.Camera camera =
        new SiteConfig.Camera("gate", VIDEO.toString(), 2, 10, 0, 0, List.of());
    AgentOptions options =
        AgentOptions.defaults().withRetry(Duration.ofMillis(200), Duration.ofSeconds(1), 0, 0);
    try (Producer<String, byte[]> producer =
            AgentProducer.createKafkaProducer(bootstrap, quickFailures);
        DiskSpool spool = DiskSpool.open(dir.resolve("spool"), 64 << 20);
        EdgeAgent agent = new EdgeAgent(List.of(camera), producer, TOPICS, options, spool)) {
      agent.start();
      // The whole clip is captured with nowhere to send it.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      CameraStats during = agent.stats().get("gate");
      while ((!during.state().terminal() || spool.stats().records() < sendable(during))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
        during = agent.stats().get("gate");
      }
      long frames = sendable(during);
      assertThat(frames).isGreaterThan(5);
      assertThat(during.spooled()).isEqualTo(frames);
      assertThat(during.framesSent()).isZero();
      assertThat(spool.stats().records()).isEqualTo(frames);

      try (EmbeddedKafka back = EmbeddedKafka.start(port, kafkaDir)) {
        assertThat(agent.awaitSourcesEnded(Duration.ofSeconds(60))).isTrue();
        CameraStats after = agent.stats().get("gate");

        assertThat(after.framesSent()).isEqualTo(frames);
        assertThat(after.sendErrors()).isZero();
        assertThat(after.framesDropped()).isZero();
        assertThat(spool.isEmpty()).isTrue();
        List<String> seqs = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : readAll(back.bootstrapServers(), frames)) {
          assertThat(r.key()).isEqualTo("gate");
          seqs.add(VigilHeaders.get(r.headers(), VigilHeaders.SEQ));
        }
        List<String> expected = new ArrayList<>();
        for (long i = 0; i < frames; i++) {
          expected.add(Long.toString(i));
        }
        assertThat(seqs).containsExactlyElementsOf(expected);
      }
    }
  }

  private static long sendable(CameraStats s) {
    return s.framesGrabbed() - s.framesSampledOut() - s.framesSkippedByMotion();
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, long expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-check");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(TOPICS.frames()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // Anything beyond the expected count would be a duplicate: look a little longer.
      c.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }
}
