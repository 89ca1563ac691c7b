package dev.vigil.inference.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.config.http.ServiceHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OpenAI-compatible chat-completions server on loopback, for tests: it answers {@code POST
 * /v1/chat/completions} as the OpenAI and Ollama docs specify (a {@code chat.completion} object
 * with choices and usage, or an {@code {"error": {...}}} body with the status), and records each
 * request.
 */
public final class FakeChatServer implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One reply: status, headers, body, and how long to wait before sending it. */
  public record Reply(int status, Map<String, String> headers, String body, long delayMs) {
    /** A 200 chat completion whose message content is {@code content}. */
    public static Reply content(String content) {
      return completion(MAPPER.getNodeFactory().textNode(content).toString(), "null", "stop");
    }

    /** A 200 chat completion whose message has a {@code refusal}. */
    public static Reply refusal(String refusal) {
      return completion("null", MAPPER.getNodeFactory().textNode(refusal).toString(), "stop");
    }

    /** The JSON answer the instruction asks for. */
    public static Reply answer(Object answer, double confidence, String reason) {
      return content(
          "{\"answer\": %s, \"confidence\": %s, \"reason\": %s}"
              .formatted(answer, confidence, MAPPER.getNodeFactory().textNode(reason).toString()));
    }

    /** An error body as OpenAI sends it. */
    public static Reply error(int status, String type, String code, String message) {
      String body =
          "{\"error\":{\"message\":%s,\"type\":\"%s\",\"param\":null,\"code\":%s}}"
              .formatted(
                  MAPPER.getNodeFactory().textNode(message),
                  type,
                  code == null ? "null" : "\"" + code + "\"");
      return new Reply(status, Map.of(), body, 0);
    }

    private static Reply completion(String content, String refusal, String finish) {
      String body =
          ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1733390000,"
                  + "\"model\":\"fake-vl\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                  + "\"assistant\",\"content\":%s,\"refusal\":%s},\"finish_reason\":\"%s\"}],"
                  + "\"usage\":{\"prompt_tokens\":812,\"completion_tokens\":31,"
                  + "\"total_tokens\":843}}")
              .formatted(content, refusal, finish);
      return new Reply(200, Map.of(), body, 0);
    }

    public Reply withHeader(String name, String value) {
      Map<String, String> h = new java.util.HashMap<>(headers);
      h.put(name, value);
      return new Reply(status, Map.copyOf(h), body, delayMs);
    }

    public Reply delayed(long ms) {
      return new Reply(status, headers, body, ms);
    }
  }

  /** One request as received, at {@code receivedAtMs} (wall clock). */
  public record Request(
      String path, Map<String, List<String>> headers, JsonNode body, long receivedAtMs) {
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final AtomicReference<Reply> reply = new AtomicReference<>();
  private final String requiredKey;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private FakeChatServer(String requiredKey) throws IOException {
    this.requiredKey = requiredKey;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  /** A server that needs no key and answers {@code reply}. */
  public static FakeChatServer start(Reply reply) throws IOException {
    FakeChatServer s = new FakeChatServer(null);
    s.reply(reply);
    return s;
  }

  /** A server that answers 401 unless the request carries {@code Bearer key}. */
  public static FakeChatServer requiringKey(String key, Reply reply) throws IOException {
    FakeChatServer s = new FakeChatServer(key);
    s.reply(reply);
    return s;
  }

  public void reply(Reply r) {
    reply.set(r);
  }

  /** The base URL to configure: {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] in = ex.getRequestBody().readAllBytes();
      JsonNode body;
      try {
        body = MAPPER.readTree(in);
      } catch (IOException e) {
        body = null;
      }
      requests.add(
          new Request(
              ex.getRequestURI().getPath(),
              ex.getRequestHeaders(),
              body,
              System.currentTimeMillis()));
      Reply r = reply.get();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (requiredKey != null && !("Bearer " + requiredKey).equals(auth)) {
        r =
            Reply.error(
                401,
                "invalid_request_error",
                "invalid_api_key",
                "Incorrect API key provided. You can find your API key in your account.");
      } else if (!"POST".equals(ex.getRequestMethod()) || body == null) {
        r = Reply.error(400, "invalid_request_error", null, "expected a JSON POST");
      }
      if (r.delayMs() > 0) {
        try {
          Thread.sleep(r.delayMs());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      try {
        ServiceHttp.send(
            ex, r.status(), "application/json", r.body().getBytes(StandardCharsets.UTF_8));
      } catch (IOException clientGone) {
        // The client timed out and closed the connection: nothing to send to.
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
