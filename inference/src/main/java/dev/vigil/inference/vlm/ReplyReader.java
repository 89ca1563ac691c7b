package dev.vigil.inference.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.VlmAnswer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a chat-completions response body strictly. The model must answer with exactly the JSON
 * object the instruction asks for; prose around it, a "yes" somewhere in a sentence, a refusal or a
 * wrong type is {@code unknown}, never yes. Stateless and thread-safe.
 */
final class ReplyReader {
  /** Below this confidence an answer is not trusted either way. */
  static final double MIN_CONFIDENCE = 0.5;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  // A lone fenced block (```json ... ```) is still exactly one JSON object; models add fences.
  private static final Pattern FENCE =
      Pattern.compile("^```(?:json|JSON)?\\s*\\n?(.*?)\\n?\\s*```$", Pattern.DOTALL);
  private static final Pattern REFUSING =
      Pattern.compile(
          "^(i'm sorry|i am sorry|sorry|i can't|i cannot|i can not|i won't|i'm unable|i am unable|"
              + "as an ai)\\b.*",
          Pattern.DOTALL);

  private ReplyReader() {}

  /** The reply of a 200 response whose body is {@code body}. */
  static VlmReply read(String body, double latencyS) {
    JsonNode root = parse(body);
    if (root == null) {
      return VlmReply.unknown(
          VlmReply.MALFORMED, "the server's response is not JSON: " + preview(body), latencyS);
    }
    JsonNode usage = root.path("usage");
    Integer promptTokens = tokens(usage, "prompt_tokens");
    Integer completionTokens = tokens(usage, "completion_tokens");
    VlmReply r = readChoice(root, latencyS);
    return new VlmReply(
        r.verdict(),
        r.value(),
        r.confidence(),
        r.reason(),
        r.error(),
        200,
        0,
        latencyS,
        promptTokens,
        completionTokens);
  }

  private static VlmReply readChoice(JsonNode root, double latencyS) {
    JsonNode choice = root.path("choices").path(0);
    if (!choice.isObject()) {
      return VlmReply.unknown(
          VlmReply.MALFORMED,
          "the response has no choices[0]: not a chat-completions response",
          latencyS);
    }
    JsonNode message = choice.path("message");
    JsonNode refusal = message.path("refusal");
    if (refusal.isTextual() && !refusal.asText().isBlank()) {
      return VlmReply.unknown(
          VlmReply.REFUSAL, "the model refused: " + preview(refusal.asText()), latencyS);
    }
    if ("length".equals(choice.path("finish_reason").asText(null))) {
      return VlmReply.unknown(
          VlmReply.MALFORMED, "the answer was cut off at the token limit", latencyS);
    }
    JsonNode content = message.path("content");
    if (!content.isTextual() || content.asText().isBlank()) {
      return VlmReply.unknown(VlmReply.MALFORMED, "the answer is empty", latencyS);
    }
    return readAnswer(content.asText().strip(), latencyS);
  }

  /** The model's own text: exactly {"answer", "confidence", "reason"}. */
  static VlmReply readAnswer(String text, double latencyS) {
    var fenced = FENCE.matcher(text);
    String json = fenced.matches() ? fenced.group(1).strip() : text;
    if (!(json.startsWith("{") && json.endsWith("}"))) {
      boolean refusing = REFUSING.matcher(json.toLowerCase(Locale.ROOT)).matches();
      return VlmReply.unknown(
          refusing ? VlmReply.REFUSAL : VlmReply.PROSE,
          (refusing ? "the model refused: " : "the answer is prose, not the JSON asked for: ")
              + preview(text),
          latencyS);
    }
    JsonNode a = parse(json);
    if (a == null) {
      return VlmReply.unknown(
          VlmReply.MALFORMED, "the answer is not valid JSON: " + preview(text), latencyS);
    }
    JsonNode answer = a.get("answer");
    JsonNode confidence = a.get("confidence");
    JsonNode reason = a.get("reason");
    if (reason == null || !reason.isTextual()) {
      return VlmReply.unknown(
          VlmReply.MALFORMED, "the answer has no \"reason\" text: " + preview(text), latencyS);
    }
    String why = reason.asText().strip();
    if (answer == null || answer.isNull()) {
      return VlmReply.unknown(VlmReply.CANNOT_TELL, "the model cannot tell: " + why, latencyS);
    }
    if (confidence == null
        || !confidence.isNumber()
        || !(confidence.asDouble() >= 0 && confidence.asDouble() <= 1)) {
      return VlmReply.unknown(
          VlmReply.MALFORMED,
          "\"confidence\" must be a number from 0 to 1: " + preview(text),
          latencyS);
    }
    double c = confidence.asDouble();
    String verdict;
    double value;
    if (answer.isBoolean()) {
      verdict = answer.asBoolean() ? VlmAnswer.YES : VlmAnswer.NO;
      value = answer.asBoolean() ? 1 : 0;
    } else if (answer.isNumber() && Double.isFinite(answer.asDouble()) && answer.asDouble() >= 0) {
      verdict = VlmAnswer.NUMBER;
      value = answer.asDouble();
    } else {
      return VlmReply.unknown(
          VlmReply.MALFORMED,
          "\"answer\" must be true, false or a number, got " + preview(answer.toString()),
          latencyS);
    }
    if (c < MIN_CONFIDENCE) {
      return new VlmReply(
          VlmAnswer.UNKNOWN,
          null,
          c,
          "the model is not sure (confidence " + c + "): " + why,
          VlmReply.LOW_CONFIDENCE,
          200,
          0,
          latencyS,
          null,
          null);
    }
    return new VlmReply(verdict, value, c, why, null, 200, 0, latencyS, null, null);
  }

  /**
   * The message of an error response: OpenAI's {@code {"error": {"message", "type", "code"}}}, or
   * the plain {@code {"error": "..."}} some servers send, or the start of the body.
   */
  static String errorMessage(String body) {
    try {
      JsonNode e = MAPPER.readTree(body).path("error");
      if (e.isTextual()) {
        return e.asText();
      }
      if (e.isObject()) {
        String code = e.path("code").isValueNode() ? e.path("code").asText() : null;
        String type = e.path("type").asText(null);
        String kind = code != null && !code.isBlank() && !"null".equals(code) ? code : type;
        return (kind == null ? "" : kind + ": ") + e.path("message").asText("");
      }
    } catch (Exception notJson) {
      // Fall through to the raw body.
    }
    return preview(body);
  }

  private static Integer tokens(JsonNode usage, String field) {
    JsonNode n = usage.get(field);
    return n != null && n.canConvertToInt() ? n.asInt() : null;
  }

  /** {@code text} read as JSON, or null when it is not JSON. */
  private static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception notJson) {
      return null;
    }
  }

  /** At most 200 characters on one line, for messages. */
  static String preview(String text) {
    if (text == null) {
      return "(nothing)";
    }
    String one = text.replaceAll("\\s+", " ").strip();
    return one.length() <= 200 ? one : one.substring(0, 200) + "…";
  }
}
