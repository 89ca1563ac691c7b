package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.agent.AgentProducer;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.inference.audio.AudioAnalyzer;
import dev.vigil.inference.vlm.FakeChatServer;
import dev.vigil.inference.vlm.FakeChatServer.Reply;
import dev.vigil.inference.vlm.TestImages;
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
 * A model that takes 2 s per answer holds up nothing else: every frame is processed, and the other
 * prompt alerts, while the model's calls are still in flight. The same frames run once without a
 * model, for comparison (printed, not asserted: timings on a shared machine vary). Embedded broker,
 * real Streams; the person detector always sees a person.
 */
class VlmSlowModelIT {
  private static final int FRAMES = 40;

  @TempDir Path dir;

  /** What one run measured, from the first frame sent. */
  private record Figures(int observations, double allFramesS, double otherAlertS, long answers) {}

  @Test
  void shouldProcessEveryFrameAndAlertOtherPromptsWhileTheModelIsSlow() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        FakeChatServer model =
            FakeChatServer.start(Reply.answer(true, 0.9, "blocked").delayed(2_000))) {
      SiteConfig.Vlm vlm = SiteConfig.Vlm.of(model.baseUrl(), "slow-vl").withMinIntervalS(0);
      Figures without = run(kafka, "base.", null);
      Figures with = run(kafka, "vlm.", vlm);
      System.out.printf(
          "%d frames at 2 fps of event time, sent at once:%n"
              + "  no model:             all processed in %.2f s, other prompt alerted after %.2f s%n"
              + "  model, 2 s per call:  all processed in %.2f s, other prompt alerted after %.2f s,"
              + " model answers by then %d%n",
          FRAMES,
          without.allFramesS(),
          without.otherAlertS(),
          with.allFramesS(),
          with.otherAlertS(),
          with.answers());
      assertThat(with.observations()).as("every frame processed").isEqualTo(FRAMES);
      assertThat(with.otherAlertS()).as("the compiled prompt alerted").isPositive();
      // Two calls at a time at 2 s each: had frames waited on them, 40 frames would take 40 s.
      assertThat(with.answers()).as("frames did not wait for the model").isLessThan(FRAMES / 2);
    }
  }

  private Figures run(EmbeddedKafka kafka, String prefix, SiteConfig.Vlm vlm) throws Exception {
    SiteConfig one =
        TestSites.oneCamera(
            "slow", kafka.bootstrapServers(), "tcp://localhost:1", "cam", dir.resolve("x.mp4"));
    SiteConfig site =
        new SiteConfig(
                one.site(),
                new SiteConfig.Kafka(kafka.bootstrapServers(), prefix, Map.of()),
                one.mqtt(),
                one.model(),
                one.cameras(),
                List.of(
                    new PromptSpec("people", "How many people are in view?", List.of(), 0, null),
                    new PromptSpec("exit", "Is the fire exit blocked?", List.of(), 0, null)))
            .withVlm(vlm);
    try (VigilParts parts = VigilParts.open(site, dir.resolve(prefix + "parts"))) {
      parts.provisionAndSeed();
    }
    try (ProcessorApp processor =
            new ProcessorApp(
                site.kafka(),
                site.topics(),
                Map.of("cam", site.cameras().get(0)),
                new OnePerson(),
                () -> new AudioAnalyzer()::analyze,
                new ProcessorApp.Options(prefix + "it", dir.resolve(prefix + "streams"), 1, 100),
                vlm);
        Producer<String, byte[]> frames =
            AgentProducer.createKafkaProducer(kafka.bootstrapServers(), Map.of());
        KafkaConsumer<String, byte[]> out = reader(site)) {
      processor.start();
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (processor.streams().state() != KafkaStreams.State.RUNNING
          && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      out.subscribe(List.of(site.topics().observations(), site.topics().violations()));
      out.poll(Duration.ofMillis(500)); // joins the group before the frames arrive
      byte[] jpeg = TestImages.jpeg(160, 120);
      long base = System.currentTimeMillis() - 30_000;
      long sent = System.nanoTime();
      for (int s = 0; s < FRAMES; s++) {
        frames.send(
            AgentProducer.frameRecord(
                site.topics(), "cam", s, jpeg, 160, 120, 1, true, base + 500L * s));
      }
      frames.flush();
      int observations = 0;
      double otherAlertS = -1;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (observations < FRAMES && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : out.poll(Duration.ofMillis(50))) {
          if (r.topic().equals(site.topics().observations())) {
            observations++;
          } else if (otherAlertS < 0
              && JsonSerde.violation()
                  .deserializer()
                  .deserialize(r.topic(), r.value())
                  .prompt()
                  .id()
                  .equals("people")) {
            otherAlertS = (System.nanoTime() - sent) / 1e9;
          }
        }
      }
      double allFramesS = (System.nanoTime() - sent) / 1e9;
      long answers =
          processor.vlmMetrics() == null
              ? 0
              : processor.vlmMetrics().calls("yes") + processor.vlmMetrics().calls("timeout");
      return new Figures(observations, allFramesS, otherAlertS, answers);
    }
  }

  private static KafkaConsumer<String, byte[]> reader(SiteConfig site) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, site.kafka().bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "slow-it-reader-" + site.kafka().topicPrefix());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
