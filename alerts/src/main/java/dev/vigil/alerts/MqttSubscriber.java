package dev.vigil.alerts;

import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * A plain MQTT subscriber for tools that watch what Vigil publishes (the bench's latency probe), so
 * that Paho stays inside this module. Clean start, QoS 1, in-memory persistence; {@link #close()}
 * disconnects. Messages are handed to the listener on Paho's thread, in arrival order.
 */
public final class MqttSubscriber implements AutoCloseable {
  private final MqttClient client;

  private MqttSubscriber(MqttClient client) {
    this.client = client;
  }

  /**
   * Connects to {@code url} and subscribes to {@code topicFilter}.
   *
   * @param onMessage takes each message's topic and payload
   * @throws AlertsException when the broker cannot be reached or refuses the subscription
   */
  public static MqttSubscriber open(
      String url, String clientId, String topicFilter, BiConsumer<String, byte[]> onMessage) {
    MqttClient client = null;
    try {
      client = new MqttClient(url, clientId, new MemoryPersistence());
      MqttConnectionOptions o = new MqttConnectionOptions();
      o.setCleanStart(true);
      MessageCallback callback = (topic, message) -> onMessage.accept(topic, message.getPayload());
      client.setCallback(callback);
      client.connect(o);
      client.subscribe(topicFilter, 1);
      return new MqttSubscriber(client);
    } catch (MqttException e) {
      if (client != null) {
        new MqttSubscriber(client).close();
      }
      throw new AlertsException(
          "cannot subscribe to " + topicFilter + " at " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect();
      }
    } catch (MqttException e) {
      // Closing anyway.
    }
    try {
      client.close();
    } catch (MqttException e) {
      // Nothing more to release.
    }
  }
}
