package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared set-up of the deploy module's integration tests. */
final class TestSites {
  static final String PEOPLE_PROMPT = "How many people are in view?";

  /** The shared data set beside the repository, or where {@code -Dvigil.shared.data} says. */
  static final Path DATA = Path.of(System.getProperty("vigil.shared.data", "../shared/data"));

  private TestSites() {}

  /** A site with one camera replaying {@code video} at 5 fps and the "people in view" prompt. */
  static SiteConfig oneCamera(
      String site, String bootstrap, String mqttUrl, String camera, Path video) {
    return oneCamera(site, bootstrap, mqttUrl, camera, video, Map.of());
  }

  /** As {@link #oneCamera(String, String, String, String, Path)}, with Kafka client properties. */
  static SiteConfig oneCamera(
      String site,
      String bootstrap,
      String mqttUrl,
      String camera,
      Path video,
      Map<String, String> kafkaProperties) {
    return new SiteConfig(
        site,
        new SiteConfig.Kafka(bootstrap, Topics.DEFAULT_PREFIX, kafkaProperties),
        new SiteConfig.Mqtt(mqttUrl, null, "vigil-" + site, null, null, null),
        new SiteConfig.Model(null, 2),
        List.of(new SiteConfig.Camera(camera, video.toString(), 5, 10, 0, 0, List.of())),
        List.of(new PromptSpec("people", PEOPLE_PROMPT, List.of(), 60, "warning")));
  }

  /**
   * A site for alerts alone, with no cameras or prompts: Kafka at {@code bootstrap} with the
   * default topic names, MQTT at {@code mqttUrl}.
   */
  static SiteConfig alertsOnly(String site, String bootstrap, String mqttUrl) {
    return new SiteConfig(
        site,
        new SiteConfig.Kafka(bootstrap, Topics.DEFAULT_PREFIX, Map.of()),
        new SiteConfig.Mqtt(mqttUrl, null, null, null, null, null),
        new SiteConfig.Model(null, 1),
        List.of(),
        List.of());
  }

  /**
   * The shared clip of people walking past the camera; the calling test is skipped when it is not
   * there.
   */
  static Path walkingClip() {
    Path video = DATA.resolve("video/face-demographics-walking.mp4");
    assumeTrue(Files.isRegularFile(video), "sample footage not found at " + video + "; skipping");
    return video;
  }

  /**
   * Runs {@code vigil demo} on free ports with {@code args} added, asserts it exits 0, and returns
   * the violation events it printed on stdout.
   */
  static List<JsonNode> demo(String... args) throws IOException {
    List<String> all =
        new ArrayList<>(
            List.of(
                "demo",
                "--exit-when-done",
                "--kafka-port",
                "0",
                "--mqtt-port",
                "0",
                "--http-port",
                "0"));
    all.addAll(List.of(args));
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit = VigilCli.execute(all.toArray(String[]::new));
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
    return events;
  }
}
