package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.MosquittoBroker;
import dev.vigil.alerts.TestSubscriber;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain in-process on real footage: edge agent, embedded Kafka (KRaft), the stream
 * processor on the real person model, and alerts to a real mosquitto on loopback, watched by a real
 * MQTT subscriber.
 */
class PipelineIT {
  @TempDir Path dir;

  @Test
  void shouldDeliverViolationToMqttSubscriberWhenPeopleWalkIntoView() throws Exception {
    Path video = TestSites.walkingClip();
    MosquittoBroker.assumeInstalled();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        MosquittoBroker mosquitto = MosquittoBroker.in(dir.resolve("mosquitto")).start();
        TestSubscriber subscriber =
            new TestSubscriber(mosquitto.url(), "it-subscriber", false, "vigil/#")) {
      SiteConfig site =
          TestSites.oneCamera("it", kafka.bootstrapServers(), mosquitto.url(), "walk", video);
      try (VigilParts parts = VigilParts.open(site, dir.resolve("state"))) {
        parts.provisionAndSeed();
        parts.startProcessor();
        parts.startAlerts(alert -> {});
        parts.startAgent();
        parts.awaitDrained(Duration.ofMinutes(5));
      }
      TestSubscriber.Received received =
          subscriber.await(
              r -> r.topic().equals("vigil/it/walk/violations"), Duration.ofSeconds(30));
      assertThat(received).as("violation on vigil/it/walk/violations").isNotNull();
      JsonNode v = Json.mapper().readTree(received.payload());
      assertThat(v.get("state").asText()).isEqualTo("open");
      assertThat(v.get("site").asText()).isEqualTo("it");
      assertThat(v.get("prompt").get("id").asText()).isEqualTo("people");
      assertThat(v.get("answer").asDouble()).isGreaterThanOrEqualTo(1);
      assertThat(v.get("evidence").get("boxes").size()).isGreaterThanOrEqualTo(1);
      TestSubscriber.Received status =
          subscriber.await(r -> r.topic().equals("vigil/it/status"), Duration.ofSeconds(5));
      assertThat(status).isNotNull();
    }
  }
}
