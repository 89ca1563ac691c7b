package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.agent.AgentProducer;
import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.processor.ProcessorApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
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
 * On a real embedded broker: a record that makes processing throw is dead-lettered by Kafka
 * Streams' processing exception handler and the next record is processed; two sites share one
 * cluster without sharing a consumer group; prompts edited at run time survive a restart.
 */
class PoisonAndSitesIT {
  private static final byte[] POISON = {66};

  @TempDir Path dir;

  private static SiteConfig site(String name, String bootstrap, String prefix) {
    return new SiteConfig(
        name,
        new SiteConfig.Kafka(bootstrap, prefix, Map.of()),
        new SiteConfig.Mqtt("tcp://127.0.0.1:1", null, "unused", null, null, null),
        new SiteConfig.Model(null, 1),
        List.of(new SiteConfig.Camera("cam", "none.mp4", 5, 10, 0, 0, List.of())),
        List.of(new PromptSpec("people", TestSites.PEOPLE_PROMPT, List.of(), 0, "warning")));
  }

  private ProcessorApp startProcessor(SiteConfig site) throws Exception {
    try (VigilParts parts = VigilParts.open(site, dir.resolve("provision-" + site.site()))) {
      parts.provisionAndSeed();
    }
    ProcessorApp app =
        TestProcessors.of(
            site,
            OnePerson.throwingOn(POISON),
            ProcessorApp.Options.defaults(site.site(), dir.resolve("streams-" + site.site())));
    app.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (app.streams().state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    return app;
  }

  private static void sendFrame(Producer<String, byte[]> p, Topics topics, long seq, byte[] v) {
    p.send(
        AgentProducer.frameRecord(
            topics, "cam", seq, v, 640, 480, 1, true, System.currentTimeMillis()));
    p.flush();
  }

  /** Polls {@code topic} (read_committed) until a record matches, or 60 s pass. */
  private static ConsumerRecord<String, byte[]> await(
      String bootstrap, String topic, Predicate<ConsumerRecord<String, byte[]>> wanted) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (wanted.test(r)) {
            return r;
          }
        }
      }
    }
    return null;
  }

  @Test
  void shouldDeadLetterARecordThatMakesProcessingThrowAndProcessTheNext() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
      String bs = kafka.bootstrapServers();
      SiteConfig site = site("poison", bs, Topics.DEFAULT_PREFIX);
      try (ProcessorApp app = startProcessor(site);
          Producer<String, byte[]> frames = AgentProducer.createKafkaProducer(bs, Map.of())) {
        sendFrame(frames, site.topics(), 1, POISON);
        sendFrame(frames, site.topics(), 2, new byte[] {1, 2, 3});

        ConsumerRecord<String, byte[]> dead = await(bs, site.topics().dlq(), r -> true);
        assertThat(dead).as("a dead letter").isNotNull();
        assertThat(VigilHeaders.get(dead.headers(), VigilHeaders.DLQ_CODE))
            .isEqualTo("processing_error");
        assertThat(VigilHeaders.get(dead.headers(), VigilHeaders.DLQ_EXCEPTION))
            .isEqualTo(IllegalStateException.class.getName());
        assertThat(VigilHeaders.get(dead.headers(), VigilHeaders.DLQ_TOPIC))
            .isEqualTo(site.topics().frames());
        assertThat(VigilHeaders.get(dead.headers(), VigilHeaders.DLQ_OFFSET)).isEqualTo("0");
        assertThat(VigilHeaders.get(dead.headers(), VigilHeaders.DLQ_REASON))
            .contains("poison frame");
        assertThat(dead.value()).isEqualTo(POISON);

        ConsumerRecord<String, byte[]> next =
            await(
                bs,
                site.topics().observations(),
                r -> Json.fromBytes(r.value(), JsonNode.class).get("seq").asLong() == 2);
        assertThat(next).as("the frame after the poison is processed").isNotNull();
        assertThat(app.metrics().render())
            .contains("vigil_dead_letters_total{reason=\"processing_error\"} 1.0");
      }
    }
  }

  @Test
  void shouldRunTwoSitesOnOneClusterEachWithItsOwnViolations() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
      String bs = kafka.bootstrapServers();
      SiteConfig a = site("plant-a", bs, "a.");
      SiteConfig b = site("plant-b", bs, "b.");
      try (ProcessorApp appA = startProcessor(a);
          ProcessorApp appB = startProcessor(b);
          Producer<String, byte[]> frames = AgentProducer.createKafkaProducer(bs, Map.of())) {
        sendFrame(frames, a.topics(), 1, new byte[] {1});
        sendFrame(frames, b.topics(), 1, new byte[] {1});
        for (SiteConfig s : List.of(a, b)) {
          ConsumerRecord<String, byte[]> open = await(bs, s.topics().violations(), r -> true);
          assertThat(open).as("open violation of " + s.site()).isNotNull();
          assertThat(Json.fromBytes(open.value(), JsonNode.class).get("state").asText())
              .isEqualTo("open");
        }
        assertThat(appA.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(appB.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
      }
    }
  }

  @Test
  void shouldKeepPromptsEditedAtRunTimeAcrossARestartUnlessReseeded() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
      String bs = kafka.bootstrapServers();
      SiteConfig site = site("seed", bs, Topics.DEFAULT_PREFIX);
      try (VigilParts parts = VigilParts.open(site, dir.resolve("p1"))) {
        parts.provisionAndSeed();
      }
      String edited = "Are there more than 2 people in view?";
      assertThat(
              VigilCli.execute(
                  "prompt", "add", "--bootstrap", bs, "--id", "people", "--cooldown", "0", edited))
          .isZero();
      try (VigilParts parts = VigilParts.open(site, dir.resolve("p2"))) {
        parts.provisionAndSeed();
      }
      assertThat(text(PromptCommand.read(site.kafka()).get("people"))).isEqualTo(edited);
      try (VigilParts parts = VigilParts.open(site, dir.resolve("p3"))) {
        parts.provisionAndSeed(true);
      }
      assertThat(text(PromptCommand.read(site.kafka()).get("people")))
          .isEqualTo(TestSites.PEOPLE_PROMPT);
    }
  }

  private static String text(byte[] spec) {
    return Json.fromBytes(spec, PromptSpec.class).text();
  }
}
