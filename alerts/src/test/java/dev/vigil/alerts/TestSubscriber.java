package dev.vigil.alerts;

import dev.vigil.config.SiteConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * A real Paho v5 subscriber that records every message it receives. With {@code persistent} it
 * keeps its session on the broker (cleanStart=false, session expiry) and reconnects by itself, so
 * it also receives what was queued for it while it or the broker was away.
 */
public final class TestSubscriber implements AutoCloseable {
  /** One received message. */
  public record Received(String topic, String payload, boolean retained) {}

  private final MqttAsyncClient client;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public TestSubscriber(String url, String clientId, boolean persistent, String topicFilter)
      throws MqttException {
    this(new SiteConfig.Mqtt(url, null, clientId, null, null, null), persistent, topicFilter);
  }

  /**
   * A subscriber that connects as {@code mqtt} says: its URL, client id, user name and password,
   * and over {@code ssl://} its CA and client certificate files.
   */
  public TestSubscriber(SiteConfig.Mqtt mqtt, boolean persistent, String topicFilter)
      throws MqttException {
    client = new MqttAsyncClient(mqtt.url(), mqtt.clientId(), new MemoryPersistence());
    MessageCallback callback =
        (topic, message) ->
            received.add(
                new Received(
                    topic,
                    new String(message.getPayload(), StandardCharsets.UTF_8),
                    message.isRetained()));
    client.setCallback(callback);
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(!persistent);
    if (mqtt.username() != null) {
      options.setUserName(mqtt.username());
      options.setPassword(mqtt.password().getBytes(StandardCharsets.UTF_8));
    }
    if (mqtt.url().startsWith("ssl://")) {
      options.setSocketFactory(PemTrust.socketFactory(mqtt));
    }
    if (persistent) {
      options.setSessionExpiryInterval(3600L);
      options.setAutomaticReconnect(true);
      options.setAutomaticReconnectDelay(1, 2);
    }
    client.connect(options).waitForCompletion(10_000);
    client.subscribe(topicFilter, 1).waitForCompletion(10_000);
  }

  public List<Received> received() {
    return new ArrayList<>(received);
  }

  public List<Received> on(String topic) {
    return received.stream().filter(r -> r.topic().equals(topic)).toList();
  }

  /** Waits until some received message matches, and returns it. */
  public Received await(Predicate<Received> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Received r : received) {
        if (match.test(r)) {
          return r;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching message within " + timeout + "; got " + received);
  }

  public void clear() {
    received.clear();
  }

  @Override
  public void close() throws MqttException {
    try {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(5_000);
      }
    } finally {
      client.close(true);
    }
  }
}
