package dev.vigil.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.MqttSubscriber;
import dev.vigil.config.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An MQTT subscriber on {@code vigil/<site>/+/violations} that records, for every {@code open}
 * event, its prompt and the time from the capture of the frame that opened it ({@code started}) to
 * the moment the message arrived here.
 *
 * <p>Owns one {@link MqttSubscriber}; {@link #close()} disconnects it. Thread-safe.
 */
final class LatencySubscriber implements AutoCloseable {
  /** One received open event, of {@code prompt} (its id). */
  record Arrival(String camera, String prompt, long startedMs, long receivedMs) {
    long latencyMs() {
      return receivedMs - startedMs;
    }
  }

  private final MqttSubscriber client;
  private final List<Arrival> arrivals = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private long messages;

  LatencySubscriber(String url, String site) {
    client =
        MqttSubscriber.open(
            url,
            "vigil-bench-subscriber",
            "vigil/" + site + "/+/violations",
            (topic, payload) -> received(payload));
  }

  private synchronized void received(byte[] payload) {
    long now = System.currentTimeMillis();
    messages++;
    JsonNode v;
    try {
      v = Json.mapper().readTree(payload);
    } catch (java.io.IOException e) {
      return;
    }
    if (!"open".equals(v.path("state").asText()) || !seen.add(v.path("id").asText())) {
      return;
    }
    arrivals.add(
        new Arrival(
            v.path("camera").asText(),
            v.path("prompt").path("id").asText(),
            v.path("started").asLong(),
            now));
  }

  /** Open events received so far whose camera id starts with {@code prefix}. */
  synchronized List<Arrival> arrivals(String prefix) {
    return arrivals.stream().filter(a -> a.camera().startsWith(prefix)).toList();
  }

  synchronized long messages() {
    return messages;
  }

  @Override
  public void close() {
    client.close();
  }
}
