package dev.vigil.deploy.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.alerts.MessageCallback;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

class EmbeddedMqttIT {
  private static final String STATE = "vigil/site-a/cam1/state";

  @Test
  void shouldDeliverRetainedQos1MessageWhenSubscriberComesLater() throws Exception {
    long t0 = System.nanoTime();
    long closing;
    try (EmbeddedMqtt mqtt = EmbeddedMqtt.start(0)) {
      System.out.printf(
          "EmbeddedMqtt start: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      assertThat(mqtt.url()).isEqualTo("tcp://127.0.0.1:" + mqtt.port());

      try (Client live = new Client(mqtt, "live-subscriber")) {
        live.subscribe("vigil/site-a/+/state");
        try (Client publisher = new Client(mqtt, "publisher")) {
          MqttMessage message =
              new MqttMessage("{\"helmet\":false}".getBytes(StandardCharsets.UTF_8));
          message.setQos(1);
          message.setRetained(true);
          // The blocking client returns once the broker's PUBACK arrives.
          publisher.client.publish(STATE, message);
        }
        MqttMessage received = live.messages.poll(10, TimeUnit.SECONDS);
        assertThat(received).as("live delivery").isNotNull();
        assertThat(new String(received.getPayload(), StandardCharsets.UTF_8))
            .isEqualTo("{\"helmet\":false}");
        assertThat(received.getQos()).isEqualTo(1);
      }

      try (Client late = new Client(mqtt, "late-subscriber")) {
        late.subscribe(STATE);
        MqttMessage retained = late.messages.poll(10, TimeUnit.SECONDS);
        assertThat(retained).as("retained delivery to a later subscriber").isNotNull();
        assertThat(retained.isRetained()).isTrue();
        assertThat(retained.getQos()).isEqualTo(1);
        assertThat(new String(retained.getPayload(), StandardCharsets.UTF_8))
            .isEqualTo("{\"helmet\":false}");
      }

      closing = System.nanoTime();
    }
    System.out.printf(
        "EmbeddedMqtt close: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing));
  }

  @Test
  void shouldReleaseThePortWhenClosed() throws Exception {
    int port;
    try (EmbeddedMqtt first = EmbeddedMqtt.start(0)) {
      port = first.port();
      try (Client client = new Client(first, "first")) {
        assertThat(client.client.isConnected()).isTrue();
      }
    }
    // A second broker in the same JVM on the same port: close must have freed both.
    try (EmbeddedMqtt second = EmbeddedMqtt.start(port);
        Client client = new Client(second, "second")) {
      assertThat(second.port()).isEqualTo(port);
      client.subscribe("vigil/#");
    }
  }

  @Test
  void shouldNameTheFlagWhenPortIsInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> EmbeddedMqtt.start(port))
          .isInstanceOf(EmbeddedBrokerException.class)
          .hasMessageStartingWith("port " + port + " is in use; pass --mqtt-port N");
    }
  }

  /** A connected Paho v5 client that queues what it receives; close disconnects. */
  private static final class Client implements AutoCloseable, MessageCallback {
    final MqttClient client;
    final BlockingQueue<MqttMessage> messages = new LinkedBlockingQueue<>();

    Client(EmbeddedMqtt mqtt, String id) throws MqttException {
      // Memory persistence: the default file persistence writes into the working directory.
      client = new MqttClient(mqtt.url(), id, new MemoryPersistence());
      client.setCallback(this);
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      client.connect(options);
    }

    void subscribe(String filter) throws MqttException {
      IMqttToken token = client.subscribe(filter, 1);
      assertThat(token.getReasonCodes()).containsExactly(1); // granted QoS 1
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      messages.add(message);
    }

    @Override
    public void close() throws MqttException {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    }
  }
}
