package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompts added and removed with {@code vigil prompt} take effect in a running processor, on the
 * embedded broker, without a restart.
 */
class PromptRuntimeIT {
  @TempDir Path dir;

  private static SiteConfig site(String bootstrap, String camera, Path video) {
    return new SiteConfig(
        "it",
        new SiteConfig.Kafka(bootstrap, Topics.DEFAULT_PREFIX, Map.of()),
        new SiteConfig.Mqtt("tcp://127.0.0.1:1", null, "unused", null, null, null),
        new SiteConfig.Model(null, 2),
        List.of(new SiteConfig.Camera(camera, video.toString(), 5, 10, 0, 0, List.of())),
        List.of());
  }

  /** Runs an edge agent for one camera until its file ends and the processor consumed it all. */
  private void play(SiteConfig processorSite, String camera, Path video) throws Exception {
    SiteConfig s = site(processorSite.kafka().bootstrapServers(), camera, video);
    try (VigilParts agent = VigilParts.open(s, dir.resolve("agent-" + camera))) {
      agent.startAgent();
      agent.awaitProcessed(Duration.ofMinutes(3));
    }
  }

  private static int cli(String... args) {
    PrintStream original = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      return VigilCli.execute(args);
    } finally {
      System.setOut(original);
    }
  }

  private static List<Violation> violations(String bootstrap) {
    List<Violation> out = new ArrayList<>();
    try (KafkaConsumer<String, Violation> c =
        TestViolations.committedReader(bootstrap, Topics.defaults().violations())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Violation> r : c.poll(Duration.ofMillis(300))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }

  @Test
  void shouldApplyPromptAddedAndRemovedWhileRunning() throws Exception {
    Path video = TestSites.walkingClip();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
      String bs = kafka.bootstrapServers();
      SiteConfig processorSite = site(bs, "none", video);
      try (VigilParts processor = VigilParts.open(processorSite, dir.resolve("processor"))) {
        processor.provisionAndSeed();
        processor.startProcessor();

        // No prompt yet: people walk by, nothing is raised.
        play(processorSite, "cam-a", video);
        assertThat(violations(bs)).isEmpty();

        assertThat(
                cli(
                    "prompt",
                    "add",
                    "--bootstrap",
                    bs,
                    "--id",
                    "people",
                    "--cooldown",
                    "0",
                    "How many people are in view?"))
            .isZero();
        assertThat(cli("prompt", "add", "--bootstrap", bs, "--id", "bad", "How many forklifts?"))
            .isEqualTo(2);
        play(processorSite, "cam-b", video);
        List<Violation> afterAdd = violations(bs);
        assertThat(afterAdd)
            .filteredOn(v -> v.camera().equals("cam-b"))
            .extracting(Violation::state)
            .contains(Violation.State.OPEN);

        assertThat(cli("prompt", "remove", "--bootstrap", bs, "people")).isZero();
        assertThat(cli("prompt", "remove", "--bootstrap", bs, "people")).isEqualTo(2);
        play(processorSite, "cam-c", video);
        List<Violation> afterRemove = violations(bs);
        assertThat(afterRemove).filteredOn(v -> v.camera().equals("cam-c")).isEmpty();
        // The open episode of cam-b resolved when its prompt was removed.
        assertThat(afterRemove)
            .filteredOn(v -> v.camera().equals("cam-b"))
            .extracting(Violation::state)
            .contains(Violation.State.RESOLVED);
      }
    }
  }
}
