package dev.vigil.inference.vlm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.SiteConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Asks a multimodal model one question about one image through an OpenAI-compatible {@code POST
 * <base_url>/chat/completions}: a fixed system instruction that demands a JSON answer, the question
 * and the image as a {@code data:image/jpeg;base64} URL, {@code response_format: json_object} and
 * temperature 0. Every failure becomes an {@code unknown} {@link VlmReply}; nothing is thrown.
 *
 * <p>Thread-safe: one client serves every calling thread. It blocks for up to {@code
 * vlm.timeout_s}, so never call it from a stream thread.
 */
public final class VlmClient {
  /**
   * The fixed instruction. The answer format is the contract {@link ReplyReader} checks; the
   * question itself comes from the prompt.
   */
  public static final String INSTRUCTION =
      "You check one still image from a factory safety camera. Answer the user's question about"
          + " this image with exactly one JSON object and nothing else:"
          + " {\"answer\": true|false|number, \"confidence\": 0..1, \"reason\": \"...\"}."
          + " \"answer\" is true or false for a yes/no question, or a number for a how-many"
          + " question; use null when the image does not show enough to tell."
          + " \"confidence\" is how sure you are, from 0 to 1."
          + " \"reason\" is one short sentence naming what in the image supports the answer.";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_TOKENS = 200;

  private final SiteConfig.Vlm config;
  private final URI endpoint;
  private final HttpClient http;

  public VlmClient(SiteConfig.Vlm config) {
    this.config = config;
    String base = config.baseUrl().replaceAll("/+$", "");
    this.endpoint = URI.create(base + "/chat/completions");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The model's name, as configured. */
  public String model() {
    return config.model();
  }

  /**
   * Asks {@code question} about the JPEG {@code image}; blocks for at most {@code vlm.timeout_s}.
   *
   * @return the validated answer, or {@code unknown} with the reason
   */
  public VlmReply ask(byte[] image, String question) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(image, question)));
    if (config.apiKey() != null) {
      request.header("Authorization", "Bearer " + config.apiKey());
    }
    long t0 = System.nanoTime();
    HttpResponse<String> response;
    try {
      response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      return VlmReply.unknown(
          VlmReply.TIMEOUT,
          "no answer within vlm.timeout_s = " + config.timeoutS() + " s",
          seconds(t0));
    } catch (IOException e) {
      return VlmReply.unknown(
          VlmReply.UNREACHABLE,
          "cannot reach " + endpoint + ": " + (e.getMessage() == null ? e : e.getMessage()),
          seconds(t0));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return VlmReply.unknown(VlmReply.UNREACHABLE, "interrupted while waiting", seconds(t0));
    }
    return reply(response, seconds(t0));
  }

  private VlmReply reply(HttpResponse<String> response, double latencyS) {
    int status = response.statusCode();
    if (status == 200) {
      return ReplyReader.read(response.body(), latencyS);
    }
    String message = status + " " + ReplyReader.errorMessage(response.body());
    long retryAfter = retryAfterMs(response);
    String error;
    String reason;
    if (status == 401 || status == 403) {
      error = VlmReply.UNAUTHORIZED;
      reason =
          message
              + (config.apiKey() == null
                  ? "; no API key is set: give vlm.api_key_env or vlm.api_key_file"
                  : "; check the key in " + config.apiKeySource());
    } else if (status == 429) {
      error = VlmReply.RATE_LIMITED;
      reason = message + (retryAfter > 0 ? "; retry after " + retryAfter + " ms" : "");
    } else if (status >= 500) {
      error = VlmReply.SERVER_ERROR;
      reason = message;
    } else {
      error = VlmReply.HTTP_ERROR;
      reason = message + (status == 404 ? "; check vlm.base_url and vlm.model" : "");
    }
    return VlmReply.unknown(error, reason, latencyS).withHttp(status, retryAfter, latencyS);
  }

  /** {@code Retry-After} as delta seconds or an HTTP date, in millis; 0 when absent or bad. */
  static long retryAfterMs(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse(null);
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Math.max(0, (long) (Double.parseDouble(value.strip()) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
      } catch (DateTimeParseException notDate) {
        return 0;
      }
    }
  }

  private byte[] body(byte[] image, String question) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("model", config.model());
    root.put("temperature", 0);
    root.put("max_tokens", MAX_TOKENS);
    root.putObject("response_format").put("type", "json_object");
    ArrayNode messages = root.putArray("messages");
    messages.addObject().put("role", "system").put("content", INSTRUCTION);
    ObjectNode user = messages.addObject().put("role", "user");
    ArrayNode parts = user.putArray("content");
    parts.addObject().put("type", "text").put("text", question);
    parts
        .addObject()
        .put("type", "image_url")
        .putObject("image_url")
        .put("url", "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(image));
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a request body", e);
    }
  }

  private Duration timeout() {
    return Duration.ofMillis(Math.max(1, Math.round(config.timeoutS() * 1000)));
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
