package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.SiteConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The subscriber API tools use instead of Paho, against a real mosquitto. */
class MqttSubscriberTest extends MosquittoTestBase {
  @Test
  void shouldHandTheListenerEveryMessageOnItsFilter() throws Exception {
    CompletableFuture<String> got = new CompletableFuture<>();
    try (MosquittoBroker broker = startBroker();
        MqttSubscriber sub =
            MqttSubscriber.open(
                broker.url(),
                "probe",
                "vigil/plant1/+/violations",
                (topic, payload) -> got.complete(topic + " " + new String(payload)));
        MqttAlertPublisher publisher =
            MqttAlertPublisher.connect(
                PublisherOptions.of(
                        "plant1", new SiteConfig.Mqtt(broker.url(), null, "pub", null, null, null))
                    .withPersistenceDir(dir.resolve("paho")))) {
      publisher.publish(Violations.open("cam1", 1)).get(10, TimeUnit.SECONDS);
      assertThat(got.get(10, TimeUnit.SECONDS))
          .startsWith("vigil/plant1/cam1/violations {")
          .contains("\"state\":\"open\"");
    }
  }

  @Test
  void shouldNameTheTopicAndBrokerWhenItCannotSubscribe() {
    assertThatThrownBy(() -> MqttSubscriber.open("tcp://127.0.0.1:1", "probe", "a/#", (t, p) -> {}))
        .isInstanceOf(AlertsException.class)
        .hasMessageContaining("cannot subscribe to a/# at tcp://127.0.0.1:1");
  }
}
