package dev.vigil.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.vlm.VlmClient;
import dev.vigil.inference.vlm.VlmReply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bench's stand-in model speaks the OpenAI chat-completions wire format, after its delay. */
class SlowChatEndpointTest {
  private static final byte[] IMAGE = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9};

  @Test
  void shouldAnswerVigilsClientWithAValidNoAfterTheDelay() throws Exception {
    try (SlowChatEndpoint endpoint = SlowChatEndpoint.start(Duration.ofMillis(300))) {
      VlmClient client = new VlmClient(SiteConfig.Vlm.of(endpoint.baseUrl(), "bench-slow-vl"));

      VlmReply reply = client.ask(IMAGE, "Is the fire exit blocked?");

      assertThat(reply.error()).isNull();
      assertThat(reply.verdict()).isEqualTo(VlmAnswer.NO);
      assertThat(reply.confidence()).isEqualTo(0.9);
      assertThat(reply.httpStatus()).isEqualTo(200);
      assertThat(reply.promptTokens()).isEqualTo(800);
      assertThat(reply.latencyS()).isGreaterThanOrEqualTo(0.3);
      assertThat(endpoint.received()).isEqualTo(1);
      assertThat(endpoint.answered()).isEqualTo(1);
    }
  }

  @Test
  void shouldSendAChatCompletionObjectWhoseContentIsTheJsonAnswer() throws Exception {
    try (SlowChatEndpoint endpoint = SlowChatEndpoint.start(Duration.ZERO)) {
      HttpResponse<String> r =
          post(
              endpoint,
              "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"Is it?\"}]}");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode body = Json.mapper().readTree(r.body());
      assertThat(body.path("object").asText()).isEqualTo("chat.completion");
      assertThat(body.path("model").asText()).isEqualTo("m1");
      JsonNode choice = body.path("choices").path(0);
      assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
      assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
      assertThat(choice.path("message").path("refusal").isNull()).isTrue();
      JsonNode answer = Json.mapper().readTree(choice.path("message").path("content").asText());
      assertThat(answer.path("answer").isBoolean()).isTrue();
      assertThat(answer.path("answer").asBoolean()).isFalse();
      assertThat(answer.path("confidence").asDouble()).isEqualTo(0.9);
      assertThat(answer.path("reason").asText()).isNotBlank();
      assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(830);
    }
  }

  @Test
  void shouldRefuseARequestThatIsNotAChatCompletionWithAnOpenAiErrorBody() throws Exception {
    try (SlowChatEndpoint endpoint = SlowChatEndpoint.start(Duration.ofSeconds(30))) {
      HttpResponse<String> r = post(endpoint, "{\"prompt\":\"no messages\"}");

      // Refused at once: the delay is for answers only.
      assertThat(r.statusCode()).isEqualTo(400);
      JsonNode error = Json.mapper().readTree(r.body()).path("error");
      assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.path("message").asText()).contains("\"messages\"");
      assertThat(endpoint.received()).isEqualTo(1);
      assertThat(endpoint.answered()).isZero();
    }
  }

  private static HttpResponse<String> post(SlowChatEndpoint endpoint, String json)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
