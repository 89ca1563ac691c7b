package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.agent.AgentProducer;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.processor.ProcessorApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under exactly-once a violation is invisible until its transaction commits. The processor asks for
 * a commit right after writing one, so an alert does not wait for the commit interval. The frames'
 * content does not matter here, so the model is replaced by one that always sees a person; the
 * broker, Streams, its transactions and the rules are real.
 */
class ViolationCommitIT {
  private static final long LONG_COMMIT_INTERVAL_MS = 120_000;

  @TempDir Path dir;

  @Test
  void shouldPublishAViolationLongBeforeTheCommitIntervalEnds() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
      SiteConfig site =
          TestSites.oneCamera(
              "it",
              kafka.bootstrapServers(),
              "tcp://localhost:1",
              "cam",
              dir.resolve("none.mp4"),
              // A transaction may stay open for the whole long interval.
              Map.of("producer.transaction.timeout.ms", "300000"));
      try (VigilParts parts = VigilParts.open(site, dir.resolve("state"))) {
        parts.provisionAndSeed();
      }
      try (ProcessorApp processor =
              TestProcessors.of(
                  site,
                  new OnePerson(),
                  new ProcessorApp.Options(
                      "commit-it", dir.resolve("streams"), 1, LONG_COMMIT_INTERVAL_MS));
          Producer<String, byte[]> frames =
              AgentProducer.createKafkaProducer(kafka.bootstrapServers(), Map.of());
          KafkaConsumer<String, byte[]> violations = readCommitted(kafka.bootstrapServers())) {
        violations.subscribe(List.of(site.topics().violations()));
        processor.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (processor.streams().state() != KafkaStreams.State.RUNNING
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        violations.poll(Duration.ofMillis(500)); // joins the group before the frames arrive

        long sent = System.currentTimeMillis();
        for (int seq = 0; seq < 3; seq++) {
          frames.send(
              AgentProducer.frameRecord(
                  site.topics(), "cam", seq, new byte[] {1}, 640, 480, 1, true, sent + 200L * seq));
        }
        frames.flush();

        JsonNode open = null;
        long waitUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (open == null && System.nanoTime() < waitUntil) {
          for (ConsumerRecord<String, byte[]> r : violations.poll(Duration.ofMillis(200))) {
            open = Json.mapper().readTree(r.value());
          }
        }
        long seenAfterMs = System.currentTimeMillis() - sent;

        // The first commit on the interval would come 120 s after the start.
        assertThat(open).as("an open violation, committed, within 30 s").isNotNull();
        assertThat(open.get("state").asText()).isEqualTo("open");
        assertThat(seenAfterMs).isLessThan(30_000);
      }
    }
  }

  private static KafkaConsumer<String, byte[]> readCommitted(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "commit-it-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
