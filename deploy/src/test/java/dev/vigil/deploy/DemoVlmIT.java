package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.inference.vlm.FakeChatServer;
import dev.vigil.inference.vlm.FakeChatServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code vigil demo --vlm-url URL --vlm-model NAME --prompt TEXT} on real footage and the real
 * person model: the prompt outside the language is asked of a loopback chat-completions server
 * while people are in view, and its alert, with the model's reason, reaches MQTT and stdout.
 */
class DemoVlmIT {
  private static final Path DATA =
      Path.of(System.getProperty("vigil.shared.data", "../shared/data"));

  @Test
  void shouldAlertOnTheModelsAnswerInOneCommand() throws Exception {
    Path video = DATA.resolve("video/face-demographics-walking.mp4");
    assumeTrue(Files.isRegularFile(video), "sample footage not found at " + video + "; skipping");
    try (FakeChatServer model =
        FakeChatServer.start(Reply.answer(true, 0.9, "a cart stands in front of the exit"))) {
      List<JsonNode> events =
          TestSites.demo(
              "--source",
              video.toString(),
              "--prompt",
              "Is the fire exit blocked?",
              "--vlm-url",
              model.baseUrl(),
              "--vlm-model",
              "fake-vl",
              "--vlm-interval",
              "1");
      assertThat(events).isNotEmpty();
      JsonNode open = events.get(0);
      assertThat(open.get("state").asText()).isEqualTo("open");
      assertThat(open.get("prompt").get("text").asText()).isEqualTo("Is the fire exit blocked?");
      assertThat(open.get("model").get("name").asText()).isEqualTo("fake-vl");
      assertThat(open.get("model").get("reason").asText())
          .isEqualTo("a cart stands in front of the exit");
      assertThat(model.requests()).isNotEmpty();
    }
  }
}
