package dev.vigil.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.processor.dashboard.VigilMetrics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * The site's security properties reach every client Kafka Streams makes (main, restore and global
 * consumers, producer, admin) and the dead-letter producer, while the guarantees stay Vigil's.
 * {@code KafkaSecurityIT} proves the same on a real secured broker.
 */
class StreamsSecurityConfigTest {
  private static final Map<String, String> SECURITY =
      Map.of(
          "security.protocol", "SASL_SSL",
          "sasl.mechanism", "SCRAM-SHA-512",
          "sasl.jaas.config",
              "org.apache.kafka.common.security.scram.ScramLoginModule required"
                  + " username=\"u\" password=\"p\";",
          "ssl.truststore.type", "PEM",
          "ssl.truststore.location", "/etc/vigil/ca.pem",
          // A site cannot weaken the guarantees.
          "enable.idempotence", "false",
          "processing.guarantee", "at_least_once");

  private static Map<String, Object> streamsConfig() {
    Map<String, Object> m = new HashMap<>();
    ProcessorApp.streamsConfig(
            new SiteConfig.Kafka("broker:9093", null, SECURITY),
            new Topics(Topics.DEFAULT_PREFIX),
            ProcessorApp.Options.defaults("s", Path.of("state")),
            new VigilMetrics())
        .forEach((k, v) -> m.put(String.valueOf(k), v));
    return m;
  }

  private static void assertSecured(Map<String, Object> client) {
    assertThat(client.get("security.protocol")).hasToString("SASL_SSL");
    assertThat(client.get("sasl.mechanism")).hasToString("SCRAM-SHA-512");
    assertThat(String.valueOf(client.get("sasl.jaas.config"))).contains("ScramLoginModule");
    assertThat(client.get("ssl.truststore.location")).hasToString("/etc/vigil/ca.pem");
  }

  @Test
  void shouldGiveEveryStreamsClientTheSiteSecurityUnderVigilsGuarantees() {
    Map<String, Object> props = streamsConfig();
    assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    StreamsConfig config = new StreamsConfig(props);
    assertSecured(config.getMainConsumerConfigs("g", "c", 0));
    assertSecured(config.getRestoreConsumerConfigs("c"));
    assertSecured(config.getGlobalConsumerConfigs("c"));
    assertSecured(config.getProducerConfigs("c"));
    assertSecured(config.getAdminConfigs("c"));
  }

  @Test
  void shouldGiveTheDeadLetterProducerTheSiteSecurity() throws Exception {
    DeadLetterHandler handler = new DeadLetterHandler();
    handler.configure(streamsConfig());
    var field = DeadLetterHandler.class.getDeclaredField("producerConfig");
    field.setAccessible(true);
    @SuppressWarnings("unchecked")
    Map<String, Object> producer = (Map<String, Object>) field.get(handler);
    assertSecured(producer);
    assertThat(producer.get("enable.idempotence")).isEqualTo(true);
    assertThat(producer.get("acks")).isEqualTo("all");
    assertThat(producer).doesNotContainKey("transactional.id");
  }
}
