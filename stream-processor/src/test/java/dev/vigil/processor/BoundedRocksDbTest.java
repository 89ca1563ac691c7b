package dev.vigil.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.processor.dashboard.VigilMetrics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

/** The processor's memory is bounded: RocksDB by one shared budget, input by a small buffer. */
class BoundedRocksDbTest {
  @Test
  void shouldBeTheProcessorsRocksDbSetting() {
    var props = defaultConfig();
    assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(BoundedRocksDb.class);
  }

  @Test
  void shouldBufferFewFramesPerPartitionSoABacklogDoesNotFillTheHeap() {
    var props = defaultConfig();
    // Streams' default is 1000 records per partition: 1000 JPEG frames of about 60 KB each.
    assertThat(props.get(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG)).isEqualTo(50);
  }

  @Test
  void shouldGiveEveryStoreSmallMemtablesChargedToTheSharedCache() {
    BoundedRocksDb setter = new BoundedRocksDb();
    try (Options a = new Options();
        Options b = new Options()) {
      a.setTableFormatConfig(new BlockBasedTableConfig());
      b.setTableFormatConfig(new BlockBasedTableConfig());
      setter.setConfig("one", a, Map.of());
      setter.setConfig("two", b, Map.of());
      assertThat(a.writeBufferSize()).isEqualTo(2L << 20);
      assertThat(a.maxWriteBufferNumber()).isEqualTo(2);
      assertThat(((BlockBasedTableConfig) a.tableFormatConfig()).cacheIndexAndFilterBlocks())
          .isTrue();
      setter.close("one", a);
      setter.close("two", b);
    }
  }

  /** The processor's Streams configuration with its defaults. */
  private static Properties defaultConfig() {
    return ProcessorApp.streamsConfig(
        new SiteConfig.Kafka("broker:9092", null, Map.of()),
        new Topics(Topics.DEFAULT_PREFIX),
        ProcessorApp.Options.defaults("s", Path.of("state")),
        new VigilMetrics());
  }
}
