package dev.vigil.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

/** RocksDB's memory is bounded: every store charged to one shared budget. */
class BoundedRocksDbTest {
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
}
