package dev.vigil.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.processor.dashboard.VigilMetrics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The processor's Streams defaults that bound its memory and its cost per frame. */
class StreamsConfigTest {
  @Test
  void shouldBeTheProcessorsRocksDbSetting() {
    assertThat(config(defaults()).get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(BoundedRocksDb.class);
  }

  @Test
  void shouldBufferFewFramesPerPartitionSoABacklogDoesNotFillTheHeap() {
    // Streams' default is 1000 records per partition: 1000 JPEG frames of about 60 KB each.
    assertThat(config(defaults()).get(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG))
        .isEqualTo(50);
  }

  @Test
  void shouldSendATransactionsRecordsAtItsCommitRatherThanPerFrame() {
    Properties props = config(defaults());
    assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(1000L);
    assertThat(props.get(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG)))
        .isEqualTo(1000);
  }

  @Test
  void shouldKeepTheLingerWithinWhatTheProducerAcceptsForALongCommitInterval() {
    ProcessorApp.Options slow = new ProcessorApp.Options("app", Path.of("state"), 2, 120_000);
    assertThat(config(slow).get(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG)))
        .isEqualTo(1000);
  }

  private static ProcessorApp.Options defaults() {
    return ProcessorApp.Options.defaults("s", Path.of("state"));
  }

  private static Properties config(ProcessorApp.Options options) {
    return ProcessorApp.streamsConfig(
        new SiteConfig.Kafka("broker:9092", null, Map.of()),
        new Topics(Topics.DEFAULT_PREFIX),
        options,
        new VigilMetrics());
  }
}
