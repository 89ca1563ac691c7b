package dev.vigil.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * An MQTT subscriber on {@code vigil/<site>/+/violations} that records, for every {@code open}
 * event, its prompt and the time from the capture of the frame that opened it ({@code started}) to
 * the moment the message arrived here.
 *
 * <p>Owns one Paho client with in-memory persistence; {@link #close()} disconnects it. Thread-safe.
 */
final class LatencySubscriber implements AutoCloseable {
  /** One received open event, of {@code prompt} (its id). */
  record Arrival(String camera, String prompt, long startedMs, long receivedMs) {
    long latencyMs() {
      return receivedMs - startedMs;
    }
  }

  private final MqttClient client;
  private final List<Arrival> arrivals = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private long messages;

  LatencySubscriber(String url, String site) throws MqttException {
    client = new MqttClient(url, "vigil-bench-subscriber", new MemoryPersistence());
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    client.setCallback(new Callback());
    client.connect(o);
    client.subscribe("vigil/" + site + "/+/violations", 1);
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
    try {
      client.disconnect();
    } catch (MqttException e) {
      // Closing anyway.
    }
    try {
      client.close();
    } catch (MqttException e) {
      // Nothing more to release.
    }
  }

  private final class Callback implements MqttCallback {
    @Override
    public void disconnected(MqttDisconnectResponse response) {}

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      received(message.getPayload());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
