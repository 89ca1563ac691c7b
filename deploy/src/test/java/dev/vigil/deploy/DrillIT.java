package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI subset of {@code vigil drill}: the reference run, {@code broker-kill}, {@code
 * processor-kill} and {@code camera-drop}, every part its own OS process on the built classes.
 * Skips, with a message, when mosquitto or the shared footage is absent.
 */
class DrillIT {
  @TempDir Path dir;

  @Test
  void shouldLoseNoViolationWhenABrokerOrAProcessorIsKilledOrACameraDrops() throws Exception {
    Assumptions.assumeTrue(
        onPath("mosquitto") && onPath("mosquitto_sub"),
        "mosquitto is not installed (apt-get install mosquitto mosquitto-clients); skipping the"
            + " drills");
    Assumptions.assumeTrue(
        footage(),
        "../shared/data/video/one-by-one-person-detection.mp4 is absent; skipping the drills");
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit =
          VigilCli.execute(
              "drill",
              "--only",
              "broker-kill",
              "--only",
              "processor-kill",
              "--only",
              "camera-drop",
              "--json",
              "--work-dir",
              dir.resolve("work").toString());
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8).trim();
    String[] lines = out.split("\n");
    JsonNode report = Json.mapper().readTree(lines[lines.length - 1]);
    List<String> names =
        java.util.stream.StreamSupport.stream(report.path("drills").spliterator(), false)
            .map(d -> d.path("name").asText())
            .toList();
    assertThat(names)
        .as("report: %s", out)
        .containsExactly("reference", "broker-kill", "processor-kill", "camera-drop");
    for (JsonNode d : report.path("drills")) {
      assertThat(d.path("lost").asInt()).as("lost in %s", d).isZero();
      assertThat(d.path("expected").asInt()).as("expected in %s", d).isPositive();
      assertThat(d.path("delivered").asInt()).as("delivered in %s", d).isPositive();
    }
    JsonNode processorKill = report.path("drills").get(2);
    assertThat(processorKill.path("gap_ms").asLong())
        .as("failover gap after processor-kill: %s", processorKill)
        .isLessThan(30_000);
    JsonNode cameraDrop = report.path("drills").get(3);
    assertThat(cameraDrop.path("ok").asBoolean())
        .as("camera-drop went offline, came back and sent frames again: %s", cameraDrop)
        .isTrue();
    assertThat(exit).as("exit code; report: %s", out).isZero();
  }

  private static boolean onPath(String name) {
    for (String d :
        (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }

  private static boolean footage() {
    for (String p :
        new String[] {
          System.getProperty("vigil.shared.data", "../shared/data"), "../../shared/data"
        }) {
      if (Files.isRegularFile(Path.of(p, "video", "one-by-one-person-detection.mp4"))) {
        return true;
      }
    }
    return false;
  }
}
