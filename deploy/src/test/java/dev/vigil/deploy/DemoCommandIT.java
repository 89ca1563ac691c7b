package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code vigil demo --exit-when-done} on real footage, embedded Kafka and embedded HiveMQ: it
 * prints an open violation as a JSON line and exits 0.
 */
class DemoCommandIT {
  private static final Path DATA =
      Path.of(System.getProperty("vigil.shared.data", "../shared/data"));

  @Test
  void shouldPrintOpenViolationAndExitZeroWhenSourceEnds() throws Exception {
    Path video = DATA.resolve("video/face-demographics-walking.mp4");
    assumeTrue(Files.isRegularFile(video), "sample footage not found at " + video + "; skipping");
    List<JsonNode> events =
        TestSites.demo("--source", video.toString(), "--prompt", TestSites.PEOPLE_PROMPT);
    assertThat(events).isNotEmpty();
    JsonNode open = events.get(0);
    assertThat(open.get("state").asText()).isEqualTo("open");
    assertThat(open.get("camera").asText()).isEqualTo("face-demographics-walking");
    assertThat(open.get("prompt").get("text").asText()).isEqualTo("How many people are in view?");
    assertThat(open.get("answer").asDouble()).isGreaterThan(0);
    assertThat(open.get("evidence").get("boxes")).isNotEmpty();
  }

  @Test
  void shouldRefuseBadPromptWithExitTwo() {
    Path video = DATA.resolve("video/face-demographics-walking.mp4");
    assertThat(
            VigilCli.execute(
                "demo", "--prompt", "How many forklifts are there?", "--source", video.toString()))
        .isEqualTo(2);
  }

  @Test
  void shouldRefuseMissingSourceWithExitTwo() {
    assertThat(VigilCli.execute("demo", "--source", "no/such/video.mp4")).isEqualTo(2);
  }
}
