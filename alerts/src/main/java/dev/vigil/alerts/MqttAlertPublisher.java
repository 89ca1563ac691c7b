package dev.vigil.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Ids;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes violations to an MQTT v5 broker at QoS 1.
 *
 * <p>It connects with {@code cleanStart=false} and a session expiry, so the broker keeps the
 * session across short outages, and reconnects automatically. {@code <prefix>status} is a retained
 * {@code online}/{@code offline} flag whose last will is {@code offline}.
 *
 * <p>Ownership and lifecycle: {@link #connect} creates and owns one Paho client and its
 * persistence; {@link #close} publishes {@code offline}, disconnects and releases both. Thread
 * safety: {@link #publish} may be called from any thread.
 */
public final class MqttAlertPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MqttAlertPublisher.class);
  static final String ONLINE = "online";
  static final String OFFLINE = "offline";
  private static final int QOS = 1;
  private static final long CLOSE_TIMEOUT_MS = 5_000;

  private final PublisherOptions options;
  private final String prefix;
  private final MqttAsyncClient client;
  private final java.util.Map<String, java.util.function.BiConsumer<String, MqttMessage>>
      subscriptions = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean closed;

  private MqttAlertPublisher(PublisherOptions options, MqttAsyncClient client) {
    this.options = options;
    this.prefix = options.topicPrefix();
    this.client = client;
  }

  /**
   * Connects to the broker and publishes the retained {@code online} status.
   *
   * @throws AlertsException when the broker is unreachable, refuses the credentials or the TLS
   *     handshake fails; the message names the configuration key to check
   */
  public static MqttAlertPublisher connect(PublisherOptions options) {
    String url = options.mqtt().url();
    MqttConnectionOptions connect = connectionOptions(options);
    MqttClientPersistence persistence =
        options.persistenceDir() == null
            ? new MemoryPersistence()
            : new MqttDefaultFilePersistence(options.persistenceDir().toString());
    MqttAsyncClient client;
    try {
      client = new MqttAsyncClient(url, options.clientId(), persistence);
    } catch (MqttException | IllegalArgumentException e) {
      throw new AlertsException(
          "invalid MQTT broker URL " + url + " (mqtt.url): " + e.getMessage(), e);
    }
    if (!PahoTopicAliases.disable(client)) {
      LOG.warn("MQTT topic aliases stay enabled for {}", url);
    }
    MqttAlertPublisher publisher = new MqttAlertPublisher(options, client);
    client.setCallback(publisher.new Callback());
    try {
      client.connect(connect).waitForCompletion(options.connectTimeout().toMillis());
    } catch (MqttException e) {
      closeQuietly(client);
      throw explain(url, options.mqtt(), e);
    }
    if (!client.isConnected()) {
      closeQuietly(client);
      throw new AlertsException(
          "MQTT broker "
              + url
              + " did not accept the connection within "
              + options.connectTimeout().toSeconds()
              + " s. Check mqtt.url and that the broker is running.");
    }
    return publisher;
  }

  private static MqttConnectionOptions connectionOptions(PublisherOptions options) {
    MqttConnectionOptions connect = new MqttConnectionOptions();
    // A resumed session lets the broker finish QoS 1 exchanges that were cut off.
    connect.setCleanStart(false);
    connect.setSessionExpiryInterval(options.sessionExpiry().toSeconds());
    connect.setAutomaticReconnect(true);
    connect.setAutomaticReconnectDelay(1, 10);
    connect.setConnectionTimeout((int) Math.max(1, options.connectTimeout().toSeconds()));
    connect.setKeepAliveInterval(30);
    MqttMessage will = new MqttMessage(OFFLINE.getBytes(StandardCharsets.UTF_8));
    will.setQos(QOS);
    will.setRetained(true);
    connect.setWill(options.topicPrefix() + "status", will);
    if (options.mqtt().username() != null) {
      connect.setUserName(options.mqtt().username());
    }
    if (options.mqtt().password() != null) {
      connect.setPassword(options.mqtt().password().getBytes(StandardCharsets.UTF_8));
    }
    String url = options.mqtt().url();
    boolean pem = options.mqtt().caFile() != null || options.mqtt().certFile() != null;
    if (url.startsWith("ssl://")) {
      if (pem) {
        connect.setSocketFactory(PemTrust.socketFactory(options.mqtt()));
      }
    } else if (pem) {
      LOG.warn(
          "mqtt.ca_file or mqtt.cert_file is set but mqtt.url {} is not ssl://; the connection is"
              + " not encrypted",
          url);
    }
    return connect;
  }

  /**
   * Subscribes to {@code filter} at QoS 1, also after every reconnect; {@code onMessage} gets the
   * topic and message on Paho's thread, so it must only hand them over. Failures are logged.
   */
  void subscribe(String filter, java.util.function.BiConsumer<String, MqttMessage> onMessage) {
    subscriptions.put(filter, onMessage);
    subscribeNow(filter);
  }

  private void subscribeNow(String filter) {
    try {
      client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription(filter, QOS));
    } catch (MqttException | IllegalArgumentException e) {
      LOG.warn("cannot subscribe to {}: {}", filter, e.toString());
    }
  }

  /** The MQTT client id this publisher connected with. */
  public String clientId() {
    return options.clientId();
  }

  /** The topic prefix, ending in {@code /}, e.g. {@code vigil/plant1/}. */
  public String topicPrefix() {
    return prefix;
  }

  /** The retained status topic, {@code <prefix>status}. */
  public String statusTopic() {
    return prefix + "status";
  }

  /**
   * The topic of one camera's violation events, {@code <prefix><camera>/violations}.
   *
   * @throws IllegalArgumentException when {@code camera} is not a valid id ({@link Ids}); callers
   *     check with {@link Ids#valid} first and skip such records
   */
  public String violationsTopic(String camera) {
    return cameraTopic(camera, "violations");
  }

  /** The retained state topic of one camera, {@code <prefix><camera>/state}. */
  public String stateTopic(String camera) {
    return cameraTopic(camera, "state");
  }

  /**
   * The retained availability topic of one camera, {@code <prefix><camera>/availability}: {@code
   * online} or {@code offline}, as Home Assistant expects.
   */
  public String availabilityTopic(String camera) {
    return cameraTopic(camera, "availability");
  }

  private String cameraTopic(String camera, String leaf) {
    // A + # or / in a camera id would make a wildcard or an extra level: never publish there.
    return prefix + Ids.require("camera id", camera) + "/" + leaf;
  }

  /** Whether the client is connected right now (it reconnects by itself when not). */
  public boolean isConnected() {
    return client.isConnected();
  }

  /** The JSON payload for one violation: its snake_case fields plus {@code site}. */
  public String payload(Violation violation) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("site", options.site());
    node.setAll((ObjectNode) Json.mapper().valueToTree(violation));
    try {
      return Json.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new AlertsException("cannot write JSON for violation " + violation.id(), e);
    }
  }

  /**
   * Publishes one violation to {@code <prefix><camera>/violations} at QoS 1.
   *
   * @return a future completed when the broker's PUBACK arrives, or completed exceptionally with an
   *     {@link AlertsException} when the client is not connected, too many messages are in flight
   *     or the broker rejects the message; the caller retries
   */
  public CompletableFuture<PublishedAlert> publish(Violation violation) {
    Objects.requireNonNull(violation, "violation");
    if (!Ids.valid(violation.camera())) {
      return CompletableFuture.failedFuture(
          new AlertsException(
              "violation "
                  + violation.id()
                  + " has an invalid camera id "
                  + Ids.show(violation.camera())));
    }
    String topic = violationsTopic(violation.camera());
    String json = payload(violation);
    return send(
        topic,
        json,
        false,
        "of violation " + violation.id(),
        () -> new PublishedAlert(topic, violation, json));
  }

  /**
   * Publishes a retained message at QoS 1, for the state topic and Home Assistant discovery.
   *
   * @return a future completed when the broker's PUBACK arrives, or completed exceptionally with an
   *     {@link AlertsException} when the client is not connected or the broker refuses it; the
   *     caller retries
   */
  CompletableFuture<Void> publishRetained(String topic, String payload) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    return send(topic, payload, true, "to " + topic, () -> null);
  }

  /**
   * Publishes at QoS 1 and completes the future with {@code onAck}'s value on PUBACK, or
   * exceptionally with an {@link AlertsException} when the client is closed, the publish fails or
   * the broker refuses the message.
   */
  private <T> CompletableFuture<T> send(
      String topic, String payload, boolean retained, String what, Supplier<T> onAck) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new AlertsException("MQTT publisher is closed"));
      return result;
    }
    MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    message.setQos(QOS);
    message.setRetained(retained);
    try {
      client.publish(
          topic,
          message,
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              int[] codes = token.getReasonCodes();
              // MQTT v5: a PUBACK may still refuse the message (reason code >= 0x80).
              if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                result.completeExceptionally(
                    new MqttRefusedException(
                        "MQTT broker "
                            + options.mqtt().url()
                            + (retained
                                ? " refused the retained message on "
                                : " refused the message on ")
                            + topic
                            + " (reason code "
                            + codes[0]
                            + ", "
                            + MqttRefusedException.reasonName(codes[0])
                            + ")."
                            + (codes[0] == MqttRefusedException.NOT_AUTHORIZED
                                ? " Check the broker's ACL: it must let mqtt.username (and the"
                                    + " client certificate's identity) write to "
                                    + prefix
                                    + "#."
                                : " Check the broker's log."),
                        codes[0]));
              } else {
                result.complete(onAck.get());
              }
            }

            @Override
            public void onFailure(IMqttToken token, Throwable error) {
              result.completeExceptionally(
                  new AlertsException("MQTT publish " + what + " failed: " + error, error));
            }
          });
    } catch (MqttException e) {
      result.completeExceptionally(
          new AlertsException(
              "MQTT publish "
                  + what
                  + " to "
                  + options.mqtt().url()
                  + " failed: "
                  + e.getMessage()
                  + " (code "
                  + e.getReasonCode()
                  + ")",
              e));
    } catch (RuntimeException e) {
      // Paho checks the topic itself and throws; never let that escape into a service thread.
      result.completeExceptionally(
          new AlertsException("MQTT publish " + what + " failed: " + e.getMessage(), e));
    }
    return result;
  }

  /** The site name, as given in the options. */
  String site() {
    return options.site();
  }

  /** Publishes {@code offline} retained, disconnects and releases the client. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (client.isConnected()) {
        // A clean DISCONNECT suppresses the will, so say offline ourselves.
        publishStatus(OFFLINE).waitForCompletion(CLOSE_TIMEOUT_MS);
        client.disconnect(CLOSE_TIMEOUT_MS).waitForCompletion(CLOSE_TIMEOUT_MS);
      } else {
        client.disconnectForcibly(0, CLOSE_TIMEOUT_MS, false);
      }
    } catch (MqttException e) {
      LOG.warn("MQTT disconnect from {} failed: {}", options.mqtt().url(), e.toString());
    }
    closeQuietly(client);
  }

  private IMqttToken publishStatus(String status) throws MqttException {
    MqttMessage message = new MqttMessage(status.getBytes(StandardCharsets.UTF_8));
    message.setQos(QOS);
    message.setRetained(true);
    return client.publish(statusTopic(), message);
  }

  private static void closeQuietly(MqttAsyncClient client) {
    try {
      client.close(true);
    } catch (MqttException e) {
      LOG.debug("closing MQTT client failed", e);
    }
  }

  static AlertsException explain(String url, MqttException e) {
    return explain(url, null, e);
  }

  /**
   * Explains a failed connect; with {@code mqtt} (the settings it used) it probes an ssl:// broker
   * again to tell a refused client certificate from a dead connection.
   */
  static AlertsException explain(String url, SiteConfig.Mqtt mqtt, MqttException e) {
    int code = e.getReasonCode();
    String prefix = "MQTT broker " + url + " refused the connection: ";
    switch (code) {
      case 134:
      case 4: // MQTT 3.1.1 return code, in case the broker downgrades
        return new AlertsException(
            prefix
                + "bad user name or password (reason code 134). Check mqtt.username and"
                + " mqtt.password.",
            e);
      case 135:
      case 5:
        // mosquitto 2 answers a wrong password with 135, not 134.
        return new AlertsException(
            prefix
                + "not authorized, most likely a bad user name or password (reason code 135)."
                + " Check mqtt.username and mqtt.password, and the broker's access rules.",
            e);
      case 133:
        return new AlertsException(
            prefix + "client id rejected (reason code 133). Check mqtt.client_id.", e);
      default:
        break;
    }
    SSLException tls = TlsRefusal.find(e);
    String refused = tls == null ? null : TlsRefusal.clientCertificateRefusal(tls);
    if (tls == null && mqtt != null && url.startsWith("ssl://")) {
      // The broker may close the socket on a refused certificate before its alert is read.
      refused = TlsRefusal.probe(mqtt);
    }
    if (refused != null) {
      return new AlertsException(
          "TLS handshake with MQTT broker "
              + url
              + " failed: the broker refused this client's certificate ("
              + refused
              + "). Check mqtt.cert_file and mqtt.key_file: the broker requires a client"
              + " certificate signed by its CA"
              + (TlsRefusal.issuer(mqtt) == null
                  ? ", and none is configured."
                  : "; this one is issued by " + TlsRefusal.issuer(mqtt) + "."),
          e);
    }
    if (tls != null) {
      return new AlertsException(
          "TLS handshake with MQTT broker "
              + url
              + " failed: "
              + tls.getMessage()
              + ". Check mqtt.ca_file: it must hold the CA that signed the broker's certificate,"
              + " and the certificate must name the host in mqtt.url.",
          e);
    }
    return new AlertsException(
        "cannot connect to MQTT broker "
            + url
            + ": "
            + e.getMessage()
            + (e.getCause() == null ? "" : " (" + e.getCause() + ")")
            + " (code "
            + code
            + "). Check mqtt.url and that the broker is running.",
        e);
  }

  /** Paho callbacks: keeps the retained status {@code online} after every reconnect. */
  private final class Callback implements MqttCallback {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      LOG.info("MQTT {} to {}", reconnect ? "reconnected" : "connected", serverUri);
      try {
        publishStatus(ONLINE);
      } catch (MqttException e) {
        LOG.warn("cannot publish {} = online: {}", statusTopic(), e.toString());
      }
      if (reconnect) {
        subscriptions.keySet().forEach(MqttAlertPublisher.this::subscribeNow);
      }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      if (!closed) {
        LOG.warn("MQTT connection to {} lost: {}", options.mqtt().url(), response);
      }
    }

    @Override
    public void mqttErrorOccurred(MqttException e) {
      LOG.warn("MQTT error from {}: {}", options.mqtt().url(), e.toString());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      subscriptions.forEach(
          (filter, handler) -> {
            if (org.eclipse.paho.mqttv5.common.util.MqttTopicValidator.isMatched(filter, topic)) {
              try {
                handler.accept(topic, message);
              } catch (RuntimeException e) {
                LOG.warn("handling a message on {} failed", topic, e);
              }
            }
          });
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
