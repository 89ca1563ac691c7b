package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit =
          VigilCli.execute(
              "demo",
              "--source",
              video.toString(),
              "--prompt",
              "How many people are in view?",
              "--exit-when-done",
              "--kafka-port",
              "0",
              "--mqtt-port",
              "0",
              "--http-port",
              "0");
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(exit).as("exit code; stdout was:%n%s", out).isZero();
    List<JsonNode> events = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        events.add(Json.mapper().readTree(line));
      }
    }
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
