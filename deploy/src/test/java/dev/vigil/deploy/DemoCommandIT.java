package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code vigil demo --exit-when-done} on real footage, embedded Kafka and embedded HiveMQ: it
 * prints an open violation as a JSON line and exits 0.
 */
class DemoCommandIT {
  @Test
  void shouldPrintOpenViolationAndExitZeroWhenSourceEnds() throws Exception {
    Path video = TestSites.walkingClip();
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
    Path video = TestSites.DATA.resolve("video/face-demographics-walking.mp4");
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
