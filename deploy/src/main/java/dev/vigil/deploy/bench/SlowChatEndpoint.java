package dev.vigil.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.config.Json;
import dev.vigil.config.http.ServiceHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a slow multimodal model: an OpenAI chat-completions endpoint ({@code POST
 * /v1/chat/completions}) on loopback that answers every well-formed request after a fixed delay
 * with a {@code chat.completion} whose message is the JSON answer Vigil's instruction asks for:
 * {@code false}, confidence 0.9, so the prompt it answers never alerts. A request that is not a
 * JSON POST with {@code model} and {@code messages} gets a 400 with an OpenAI error body. The delay
 * is scheduled, not slept, so any number of calls can wait at once.
 *
 * <p>Thread-safe. Owns its HTTP server and scheduler; {@link #close()} stops both.
 */
final class SlowChatEndpoint implements AutoCloseable {
  static final String PATH = "/v1/chat/completions";
  private static final String JSON = "application/json";
  static final String ANSWER =
      "{\"answer\": false, \"confidence\": 0.9, \"reason\": \"The fire exit is clear.\"}";

  private final HttpServer server;
  private final ScheduledExecutorService replies;
  private final long delayMs;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();

  private SlowChatEndpoint(Duration delay) throws IOException {
    this.delayMs = delay.toMillis();
    this.replies =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "vigil-bench-slow-model");
              t.setDaemon(true);
              return t;
            });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(replies);
    server.createContext(PATH, this::handle);
    server.start();
  }

  /** Starts the endpoint on a free loopback port, answering each call after {@code delay}. */
  static SlowChatEndpoint start(Duration delay) throws IOException {
    return new SlowChatEndpoint(delay);
  }

  /** The API base to configure as {@code vlm.base_url}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Calls received so far. */
  long received() {
    return received.get();
  }

  /** Calls answered with a completion so far. */
  long answered() {
    return answered.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    received.incrementAndGet();
    JsonNode request = null;
    try {
      request = Json.mapper().readTree(ex.getRequestBody().readAllBytes());
    } catch (IOException notJson) {
      // Answered with a 400 below.
    }
    if (!"POST".equals(ex.getRequestMethod())
        || request == null
        || !request.path("model").isTextual()
        || !request.path("messages").isArray()) {
      send(ex, 400, error("expected a JSON POST with \"model\" and \"messages\""));
      return;
    }
    String model = request.path("model").asText();
    replies.schedule(
        () -> {
          answered.incrementAndGet();
          send(ex, 200, completion(model));
        },
        delayMs,
        TimeUnit.MILLISECONDS);
  }

  /** A {@code chat.completion} object as the OpenAI API returns it. */
  static String completion(String model) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("id", "chatcmpl-bench");
    root.put("object", "chat.completion");
    root.put("created", System.currentTimeMillis() / 1000);
    root.put("model", model);
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", ANSWER);
    message.putNull("refusal");
    choice.put("finish_reason", "stop");
    ObjectNode usage = root.putObject("usage");
    usage.put("prompt_tokens", 800);
    usage.put("completion_tokens", 30);
    usage.put("total_tokens", 830);
    return root.toString();
  }

  private static String error(String message) {
    ObjectNode root = Json.mapper().createObjectNode();
    ObjectNode e = root.putObject("error");
    e.put("message", message);
    e.put("type", "invalid_request_error");
    e.putNull("param");
    e.putNull("code");
    return root.toString();
  }

  private static void send(HttpExchange ex, int status, String body) {
    try (ex) {
      ServiceHttp.send(ex, status, JSON, body.getBytes(StandardCharsets.UTF_8));
    } catch (IOException clientGone) {
      // The client timed out and closed the connection: nothing to send to.
    }
  }

  @Override
  public void close() {
    server.stop(0);
    replies.shutdownNow();
  }
}
