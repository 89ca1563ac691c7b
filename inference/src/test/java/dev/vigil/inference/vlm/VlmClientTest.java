package dev.vigil.inference.vlm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.vlm.FakeChatServer.Reply;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The client against a loopback server that speaks the chat-completions wire format. */
class VlmClientTest {
  private static final byte[] FRAME = TestImages.jpeg(64, 48);

  private static VlmClient client(FakeChatServer server) {
    return new VlmClient(SiteConfig.Vlm.of(server.baseUrl(), "fake-vl").withTimeoutS(2));
  }

  private static VlmReply ask(Reply reply) throws Exception {
    try (FakeChatServer server = FakeChatServer.start(reply)) {
      return client(server).ask(FRAME, "is the fire exit blocked?");
    }
  }

  /** The reply is no answer, for the reason {@code error}. */
  private static void assertUnknown(VlmReply r, String error) {
    assertThat(r.verdict()).isEqualTo(VlmAnswer.UNKNOWN);
    assertThat(r.error()).isEqualTo(error);
  }

  @Test
  void shouldSendTheQuestionAndTheImageAsADataUrlAndAskForJson() throws Exception {
    try (FakeChatServer server = FakeChatServer.start(Reply.answer(true, 0.9, "boxes"))) {
      client(server).ask(FRAME, "is the fire exit blocked?");
      FakeChatServer.Request r = server.requests().get(0);
      assertThat(r.path()).isEqualTo("/v1/chat/completions");
      assertThat(r.header("Authorization")).as("no key configured, none sent").isNull();
      JsonNode b = r.body();
      assertThat(b.path("model").asText()).isEqualTo("fake-vl");
      assertThat(b.path("response_format").path("type").asText()).isEqualTo("json_object");
      assertThat(b.path("temperature").asDouble()).isZero();
      assertThat(b.path("messages").path(0).path("role").asText()).isEqualTo("system");
      assertThat(b.path("messages").path(0).path("content").asText())
          .isEqualTo(VlmClient.INSTRUCTION);
      JsonNode parts = b.path("messages").path(1).path("content");
      assertThat(parts.path(0).path("type").asText()).isEqualTo("text");
      assertThat(parts.path(0).path("text").asText()).isEqualTo("is the fire exit blocked?");
      assertThat(parts.path(1).path("type").asText()).isEqualTo("image_url");
      String url = parts.path(1).path("image_url").path("url").asText();
      assertThat(url).startsWith("data:image/jpeg;base64,");
      assertThat(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))).isEqualTo(FRAME);
    }
  }

  @Test
  void shouldReadAYesWithItsReasonConfidenceAndTokens() throws Exception {
    VlmReply r = ask(Reply.answer(true, 0.87, "pallets stand in front of the exit door"));
    assertThat(r.verdict()).isEqualTo(VlmAnswer.YES);
    assertThat(r.value()).isEqualTo(1.0);
    assertThat(r.confidence()).isEqualTo(0.87);
    assertThat(r.reason()).isEqualTo("pallets stand in front of the exit door");
    assertThat(r.error()).isNull();
    assertThat(r.promptTokens()).isEqualTo(812);
    assertThat(r.completionTokens()).isEqualTo(31);
  }

  @Test
  void shouldReadANoAndANumber() throws Exception {
    assertThat(ask(Reply.answer(false, 0.95, "the exit is clear")).verdict())
        .isEqualTo(VlmAnswer.NO);
    VlmReply n = ask(Reply.answer(2, 0.8, "two forklifts with raised forks"));
    assertThat(n.verdict()).isEqualTo(VlmAnswer.NUMBER);
    assertThat(n.value()).isEqualTo(2.0);
  }

  @Test
  void shouldAcceptOneFencedJsonBlockAsTheAnswer() throws Exception {
    VlmReply r =
        ask(
            Reply.content(
                "```json\n{\"answer\": true, \"confidence\": 0.7, \"reason\": \"r\"}\n```"));
    assertThat(r.verdict()).isEqualTo(VlmAnswer.YES);
  }

  @Test
  void shouldCountProseAndAYesInASentenceAsUnknownNeverYes() throws Exception {
    VlmReply prose = ask(Reply.content("Yes, the fire exit is blocked by boxes."));
    assertUnknown(prose, VlmReply.PROSE);
    assertThat(prose.reason()).contains("prose").contains("Yes, the fire exit");

    VlmReply around =
        ask(Reply.content("Sure! {\"answer\": true, \"confidence\": 0.9, \"reason\": \"r\"}"));
    assertUnknown(around, VlmReply.PROSE);

    VlmReply textual = ask(Reply.answer("\"yes\"", 0.9, "r"));
    assertUnknown(textual, VlmReply.MALFORMED);
  }

  @Test
  void shouldCountRefusalsAsUnknown() throws Exception {
    VlmReply field = ask(Reply.refusal("I can't help with identifying people."));
    assertUnknown(field, VlmReply.REFUSAL);
    VlmReply text = ask(Reply.content("I'm sorry, but I can't assist with that."));
    assertThat(text.error()).isEqualTo(VlmReply.REFUSAL);
  }

  @Test
  void shouldCountMalformedJsonAndMissingFieldsAsUnknown() throws Exception {
    assertThat(ask(Reply.content("{\"answer\": true, \"confidence\": 0.9,")).error())
        .isEqualTo(VlmReply.PROSE);
    assertThat(ask(Reply.content("{\"answer\": true, \"confidence\": 0.9 \"reason\": 1}")).error())
        .isEqualTo(VlmReply.MALFORMED);
    assertThat(ask(Reply.content("{\"answer\": true, \"reason\": \"r\"}")).error())
        .isEqualTo(VlmReply.MALFORMED);
    assertThat(
            ask(Reply.content("{\"answer\": true, \"confidence\": 1.5, \"reason\": \"r\"}"))
                .error())
        .isEqualTo(VlmReply.MALFORMED);
    assertThat(ask(Reply.content("{\"answer\": true, \"confidence\": 0.9}")).error())
        .isEqualTo(VlmReply.MALFORMED);
    assertThat(ask(new Reply(200, java.util.Map.of(), "<html>oops</html>", 0)).error())
        .isEqualTo(VlmReply.MALFORMED);
  }

  @Test
  void shouldCountLowConfidenceAndCannotTellAsUnknown() throws Exception {
    VlmReply low = ask(Reply.answer(true, 0.3, "maybe a box"));
    assertUnknown(low, VlmReply.LOW_CONFIDENCE);
    VlmReply none = ask(Reply.answer("null", 0.9, "the door is out of view"));
    assertThat(none.error()).isEqualTo(VlmReply.CANNOT_TELL);
    assertThat(none.reason()).contains("the door is out of view");
  }

  @Test
  void shouldTimeOutASlowAnswerAsUnknown() throws Exception {
    try (FakeChatServer server =
        FakeChatServer.start(Reply.answer(true, 0.9, "late").delayed(3_000))) {
      VlmClient c = new VlmClient(SiteConfig.Vlm.of(server.baseUrl(), "m").withTimeoutS(0.3));
      VlmReply r = c.ask(FRAME, "q");
      assertUnknown(r, VlmReply.TIMEOUT);
      assertThat(r.latencyS()).isLessThan(2.5);
    }
  }

  @Test
  void shouldReadRateLimitsWithRetryAfter() throws Exception {
    VlmReply r =
        ask(
            Reply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached for requests")
                .withHeader("Retry-After", "7"));
    assertUnknown(r, VlmReply.RATE_LIMITED);
    assertThat(r.httpStatus()).isEqualTo(429);
    assertThat(r.retryAfterMs()).isEqualTo(7_000);
    assertThat(r.reason()).contains("429 rate_limit_exceeded: Rate limit reached");
  }

  @Test
  void shouldReadServerErrorsAsUnknown() throws Exception {
    VlmReply r = ask(Reply.error(500, "server_error", null, "The server had an error"));
    assertThat(r.error()).isEqualTo(VlmReply.SERVER_ERROR);
    assertThat(r.reason()).isEqualTo("500 server_error: The server had an error");
    VlmReply ollama =
        ask(new Reply(503, java.util.Map.of(), "{\"error\":\"model is loading\"}", 0));
    assertThat(ollama.error()).isEqualTo(VlmReply.SERVER_ERROR);
    assertThat(ollama.reason()).isEqualTo("503 model is loading");
  }

  @Test
  void shouldSayAKeyIsMissingWhenTheServerAnswers401() throws Exception {
    try (FakeChatServer server =
        FakeChatServer.requiringKey("sk-right", Reply.answer(true, 1, "r"))) {
      VlmReply r = client(server).ask(FRAME, "q");
      assertThat(r.error()).isEqualTo(VlmReply.UNAUTHORIZED);
      assertThat(r.unreachable()).isTrue();
      assertThat(r.httpStatus()).isEqualTo(401);
      assertThat(r.reason())
          .startsWith("401 invalid_api_key: Incorrect API key provided")
          .endsWith("no API key is set: give vlm.api_key_env or vlm.api_key_file");

      SiteConfig.Vlm keyed = SiteConfig.Vlm.of(server.baseUrl(), "m");
      keyed =
          new SiteConfig.Vlm(
              keyed.baseUrl(), "m", "sk-right", "environment variable K", 2, 1, 0, 10, 768, 85, 4);
      VlmReply ok = new VlmClient(keyed).ask(FRAME, "q");
      assertThat(ok.verdict()).isEqualTo(VlmAnswer.YES);
      assertThat(server.requests().get(1).header("Authorization")).isEqualTo("Bearer sk-right");
    }
  }

  @Test
  void shouldSayTheServerIsUnreachableWhenNothingListens() throws Exception {
    String url;
    try (FakeChatServer server = FakeChatServer.start(Reply.answer(true, 1, "r"))) {
      url = server.baseUrl();
    }
    VlmReply r = new VlmClient(SiteConfig.Vlm.of(url, "m").withTimeoutS(2)).ask(FRAME, "q");
    assertThat(r.error()).isEqualTo(VlmReply.UNREACHABLE);
    assertThat(r.unreachable()).isTrue();
  }

  @Test
  void shouldScaleAndCropTheImageToTheConfiguredSize() {
    byte[] big = TestImages.jpeg(1920, 1080);
    byte[] small = VlmImage.prepare(big, null, 320, 80);
    byte[] crop = VlmImage.prepare(big, new dev.vigil.config.Box(0, 0, 0.25, 0.5), 320, 80);
    assertThat(size(small)).containsExactly(320, 180);
    // 480 x 540 px, scaled so the long side is 320.
    assertThat(size(crop)).containsExactly(284, 320);
  }

  private static int[] size(byte[] jpeg) {
    try (var in = new org.bytedeco.javacpp.BytePointer(jpeg);
        var buf =
            new org.bytedeco.opencv.opencv_core.Mat(
                1, jpeg.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, in);
        var m =
            org.bytedeco.opencv.global.opencv_imgcodecs.imdecode(
                buf, org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR)) {
      return new int[] {m.cols(), m.rows()};
    }
  }
}
