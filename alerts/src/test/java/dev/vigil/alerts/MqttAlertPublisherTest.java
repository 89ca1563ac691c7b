package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.TestCerts;
import dev.vigil.config.Violation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractThrowableAssert;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

/** MqttAlertPublisher against a real mosquitto on loopback. */
class MqttAlertPublisherTest extends MosquittoTestBase {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Site {@code plant1}'s publisher options with {@code mqtt}. */
  private static PublisherOptions plant1(SiteConfig.Mqtt mqtt) {
    return PublisherOptions.of("plant1", mqtt);
  }

  /** A publisher of site {@code plant1} with {@code mqtt}. */
  private static MqttAlertPublisher connect(SiteConfig.Mqtt mqtt) {
    return MqttAlertPublisher.connect(plant1(mqtt));
  }

  /** Client {@code pub} at {@code url}; user, password and CA file each null for none. */
  private static SiteConfig.Mqtt pub(String url, String user, String password, Path caFile) {
    return new SiteConfig.Mqtt(
        url, null, "pub", user, password, caFile == null ? null : caFile.toString());
  }

  /** Connects with {@code options} and expects it to fail with a message for the user. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertConnectFails(
      PublisherOptions options) {
    return assertThatThrownBy(() -> MqttAlertPublisher.connect(options))
        .isInstanceOf(AlertsException.class);
  }

  @Test
  void shouldDeliverViolationJsonOnCameraTopicWhenPublished() throws Exception {
    try (MosquittoBroker broker = startBroker();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub", false, "vigil/plant1/#");
        MqttAlertPublisher publisher =
            MqttAlertPublisher.connect(
                LoopFixtures.options(broker.url(), "pub")
                    .withPersistenceDir(dir.resolve("paho")))) {
      Violation violation = Violations.open("cam1", 7);

      PublishedAlert alert = publisher.publish(violation).get(10, TimeUnit.SECONDS);

      assertThat(alert.topic()).isEqualTo("vigil/plant1/cam1/violations");
      TestSubscriber.Received got =
          sub.await(r -> r.topic().equals("vigil/plant1/cam1/violations"), WAIT);
      JsonNode json = Json.mapper().readTree(got.payload());
      assertThat(json.get("site").asText()).isEqualTo("plant1");
      assertThat(json.get("id").asText()).isEqualTo(violation.id());
      assertThat(json.get("state").asText()).isEqualTo("open");
      assertThat(json.get("prompt").get("id").asText()).isEqualTo("p7");
      assertThat(json.get("evidence").get("counts").get("no_helmet").asInt()).isEqualTo(1);
      assertThat(json.has("ended")).isTrue();
      // The payload is the Violation itself plus site: it reads back unchanged.
      assertThat(Json.fromBytes(got.payload().getBytes(StandardCharsets.UTF_8), Violation.class))
          .isEqualTo(violation);
      assertThat(alert.json()).isEqualTo(got.payload());
      assertThat(dir.resolve("paho")).isDirectory();
    }
  }

  @Test
  void shouldRetainOnlineWhileConnectedAndOfflineWhenClosed() throws Exception {
    try (MosquittoBroker broker = startBroker()) {
      try (MqttAlertPublisher publisher =
          MqttAlertPublisher.connect(LoopFixtures.options(broker.url(), "pub"))) {
        assertThat(publisher.statusTopic()).isEqualTo("vigil/plant1/status");
        try (TestSubscriber late =
            new TestSubscriber(broker.url(), "late", false, "vigil/plant1/status")) {
          TestSubscriber.Received status = late.await(r -> true, WAIT);
          assertThat(status.payload()).isEqualTo("online");
          assertThat(status.retained()).isTrue();
        }
      }
      try (TestSubscriber after =
          new TestSubscriber(broker.url(), "after", false, "vigil/plant1/status")) {
        TestSubscriber.Received status = after.await(r -> true, WAIT);
        assertThat(status.payload()).isEqualTo("offline");
        assertThat(status.retained()).isTrue();
      }
    }
  }

  @Test
  void shouldPublishLastWillOfflineAndThenOnlineWhenConnectionDiesAbruptly() throws Exception {
    try (MosquittoBroker broker = startBroker();
        TcpProxy proxy = new TcpProxy(broker.port());
        TestSubscriber sub =
            new TestSubscriber(broker.url(), "watch", false, "vigil/plant1/status");
        MqttAlertPublisher publisher =
            MqttAlertPublisher.connect(
                LoopFixtures.options("tcp://127.0.0.1:" + proxy.port(), "pub"))) {
      sub.await(r -> r.payload().equals("online"), WAIT);
      sub.clear();

      proxy.cutAll();

      sub.await(r -> r.payload().equals("offline"), WAIT);
      // Automatic reconnect through the proxy sets the retained status back to online.
      sub.await(r -> r.payload().equals("online"), Duration.ofSeconds(20));
      assertThat(publisher.publish(Violations.open("cam2", 1)).get(10, TimeUnit.SECONDS).topic())
          .isEqualTo("vigil/plant1/cam2/violations");
    }
  }

  @Test
  void shouldUseConfiguredTopicPrefixWhenSet() throws Exception {
    try (MosquittoBroker broker = startBroker();
        TestSubscriber sub = new TestSubscriber(broker.url(), "sub", false, "factory/#");
        MqttAlertPublisher publisher =
            connect(new SiteConfig.Mqtt(broker.url(), "factory/a", "pub", null, null, null))) {
      publisher.publish(Violations.open("cam1", 1)).get(10, TimeUnit.SECONDS);

      sub.await(r -> r.topic().equals("factory/a/cam1/violations"), WAIT);
      sub.await(r -> r.topic().equals("factory/a/status") && r.payload().equals("online"), WAIT);
    }
  }

  @Test
  void shouldConnectWhenPasswordIsRight() throws Exception {
    try (MosquittoBroker broker =
            MosquittoBroker.in(dir.resolve("broker")).withUser("vigil", "s3cret").start();
        MqttAlertPublisher publisher = connect(pub(broker.url(), "vigil", "s3cret", null))) {
      assertThat(publisher.isConnected()).isTrue();
      assertThat(publisher.publish(Violations.open("cam1", 1)).get(10, TimeUnit.SECONDS))
          .isNotNull();
    }
  }

  @Test
  void shouldExplainWhenPasswordIsWrong() {
    try (MosquittoBroker broker =
        MosquittoBroker.in(dir.resolve("broker")).withUser("vigil", "s3cret").start()) {
      PublisherOptions bad = plant1(pub(broker.url(), "vigil", "wrong", null));

      assertConnectFails(bad)
          .hasMessageStartingWith("MQTT broker " + broker.url() + " refused the connection: ")
          .hasMessageMatching(".*(bad user name or password|not authorized).*reason code 13[45].*")
          .hasMessageContaining("Check mqtt.username and mqtt.password");
    }
  }

  @Test
  void shouldNameBadCredentialsWhenBrokerAnswersReasonCode134() {
    AlertsException e = MqttAlertPublisher.explain("tcp://broker:1883", new MqttException(134));

    assertThat(e)
        .hasMessage(
            "MQTT broker tcp://broker:1883 refused the connection: bad user name or password"
                + " (reason code 134). Check mqtt.username and mqtt.password.");
  }

  @Test
  void shouldExplainWhenBrokerIsUnreachable() {
    int port = MosquittoBroker.freePort();
    PublisherOptions options = LoopFixtures.options("tcp://127.0.0.1:" + port, "pub");

    assertConnectFails(options)
        .hasMessageStartingWith("cannot connect to MQTT broker tcp://127.0.0.1:" + port)
        .hasMessageEndingWith("Check mqtt.url and that the broker is running.");
  }

  @Test
  void shouldConnectOverTlsWhenCaFileSignedTheBroker() throws Exception {
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).withTls().start();
        MqttAlertPublisher publisher = connect(pub(broker.url(), null, null, broker.caFile()))) {
      assertThat(broker.url()).startsWith("ssl://");
      assertThat(publisher.publish(Violations.open("cam1", 1)).get(10, TimeUnit.SECONDS))
          .isNotNull();
    }
  }

  @Test
  void shouldExplainWhenCaFileIsMissing() {
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).withTls().start()) {
      Path missing = dir.resolve("nope/ca.crt");
      PublisherOptions options = plant1(pub(broker.url(), null, null, missing));

      assertConnectFails(options)
          .hasMessage(
              "MQTT mqtt.ca_file: file "
                  + missing.toAbsolutePath()
                  + " does not exist. It must be the PEM certificate of the CA that signed the"
                  + " broker's certificate.");
    }
  }

  @Test
  void shouldExplainWhenCaFileDidNotSignTheBroker() throws Exception {
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).withTls().start()) {
      Path other = MosquittoBroker.otherCa(dir.resolve("other"));
      PublisherOptions options = plant1(pub(broker.url(), null, null, other));

      assertConnectFails(options)
          .hasMessageStartingWith("TLS handshake with MQTT broker " + broker.url() + " failed")
          .hasMessageContaining("Check mqtt.ca_file");
    }
  }

  // --- a broker that requires a client certificate, a password and an ACL ---------------------

  private MosquittoBroker lockedDownBroker() {
    return MosquittoBroker.lockedDown(dir.resolve("broker"));
  }

  private static SiteConfig.Mqtt mutualTls(
      MosquittoBroker broker, String user, String password, TestCerts.Pair cert) {
    return broker.mqttConfig(user, password, cert);
  }

  @Test
  void shouldDeliverOverMutualTlsWhenCertificatePasswordAndAclAllowIt() throws Exception {
    try (MosquittoBroker broker = lockedDownBroker();
        TestSubscriber sub =
            new TestSubscriber(
                mutualTls(
                    broker,
                    "watcher",
                    "w4tch",
                    broker.clientCertificate("watcher", TestCerts.KeyType.RSA)),
                false,
                "vigil/plant1/#");
        MqttAlertPublisher publisher =
            connect(
                mutualTls(
                    broker,
                    "alerts",
                    "s3cret",
                    broker.clientCertificate("alerts", TestCerts.KeyType.EC)))) {
      Violation violation = Violations.open("cam1", 3);

      publisher.publish(violation).get(10, TimeUnit.SECONDS);

      TestSubscriber.Received got =
          sub.await(r -> r.topic().equals("vigil/plant1/cam1/violations"), WAIT);
      assertThat(Json.fromBytes(got.payload().getBytes(StandardCharsets.UTF_8), Violation.class))
          .isEqualTo(violation);
    }
  }

  /** Connects with {@code cert} (or none) and expects the broker to refuse it. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertCertificateRefused(
      MosquittoBroker broker, TestCerts.Pair cert) {
    return assertConnectFails(plant1(mutualTls(broker, "alerts", "s3cret", cert)))
        .hasMessageStartingWith("TLS handshake with MQTT broker " + broker.url() + " failed")
        .hasMessageContaining("the broker refused this client's certificate")
        .hasMessageContaining("Check mqtt.cert_file and mqtt.key_file");
  }

  @Test
  void shouldRefuseTheConnectionWhenTheClientCertificateIsFromAnotherCa() {
    try (MosquittoBroker broker = lockedDownBroker()) {
      TestCerts.Pair foreign =
          TestCerts.ca(dir.resolve("other"), "other")
              .client("alerts", "vigil-alerts", TestCerts.KeyType.RSA);

      assertCertificateRefused(broker, foreign)
          .hasMessageEndingWith("this one is issued by CN=Vigil Test CA other.");
    }
  }

  @Test
  void shouldRefuseTheConnectionWhenNoClientCertificateIsGiven() {
    try (MosquittoBroker broker = lockedDownBroker()) {
      assertCertificateRefused(broker, null).hasMessageEndingWith("and none is configured.");
    }
  }

  @Test
  void shouldExplainAWrongPasswordEvenWithAGoodClientCertificate() {
    try (MosquittoBroker broker = lockedDownBroker()) {
      PublisherOptions options =
          plant1(
              mutualTls(
                  broker,
                  "alerts",
                  "wrong",
                  broker.clientCertificate("alerts", TestCerts.KeyType.RSA)));

      assertConnectFails(options)
          .hasMessageStartingWith("MQTT broker " + broker.url() + " refused the connection: ")
          .hasMessageContaining("Check mqtt.username and mqtt.password");
    }
  }

  @Test
  void shouldFailThePublishAsNotAuthorizedWhenTheAclForbidsTheTopic() throws Exception {
    try (MosquittoBroker broker = lockedDownBroker();
        MqttAlertPublisher publisher = LoopFixtures.connectLockedDown(broker)) {
      CompletableFuture<PublishedAlert> denied = publisher.publish(Violations.open("cam2", 1));

      assertThatThrownBy(() -> denied.get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(MqttRefusedException.class)
          .hasMessage(
              "MQTT broker "
                  + broker.url()
                  + " refused the message on vigil/plant1/cam2/violations (reason code 135, not"
                  + " authorized). Check the broker's ACL: it must let mqtt.username (and the"
                  + " client certificate's identity) write to vigil/plant1/#.");
      assertThat(((MqttRefusedException) denied.handle((a, e) -> e).join()).unrecoverable())
          .isTrue();
    }
  }
}
