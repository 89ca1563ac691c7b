package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AgentProducerTest {
  @Test
  void shouldKeepIdempotenceAndAcksAllWhenExtraPropsTryToWeakenThem() {
    Map<String, Object> c =
        AgentProducer.producerConfig(
            "k1:9092",
            Map.of(
                "acks", "1",
                "enable.idempotence", "false",
                "linger.ms", "50",
                "security.protocol", "SSL"));
    assertThat(c.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
    assertThat(c.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo(true);
    assertThat(c.get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("50");
    assertThat(c.get("security.protocol")).isEqualTo("SSL");
    assertThat(c.get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo(AgentProducer.DEFAULT_BATCH_SIZE);
    assertThat(c.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("k1:9092");
  }

  @Test
  void shouldUseTopicPrefixAndHeadersWhenBuildingAudioRecord() {
    ProducerRecord<String, byte[]> r =
        AgentProducer.audioRecord(new Topics("site7."), "cam", 42, new byte[32_000], 16_000, 1234);
    assertThat(r.topic()).isEqualTo("site7.audio");
    assertThat(r.timestamp()).isEqualTo(1234);
    assertThat(VigilHeaders.getLong(r.headers(), VigilHeaders.SEQ, -1)).isEqualTo(42);
    assertThat(VigilHeaders.getLong(r.headers(), VigilHeaders.RATE, -1)).isEqualTo(16_000);
  }
}
