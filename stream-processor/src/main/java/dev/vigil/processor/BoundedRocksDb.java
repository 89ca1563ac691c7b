package dev.vigil.processor;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the native memory of every RocksDB state store in the process together. By default Kafka
 * Streams gives each store instance its own 50 MB block cache and up to three 16 MB memtables, and
 * a processor holds one instance per store and task (about 70 in the demo), so its resident memory
 * grew with the partition count rather than with the data. Here all instances share one block
 * cache, and their memtables are charged to it, as the Kafka Streams memory guide recommends.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
  /** Block cache, index and filter blocks and memtables of all stores together. */
  static final long TOTAL_BYTES = 64L << 20;

  /** The memtables' share of {@link #TOTAL_BYTES}. */
  static final long MEMTABLE_BYTES = 16L << 20;

  private static final long MEMTABLE_SIZE = 2L << 20;
  private static final Cache CACHE;
  private static final WriteBufferManager WRITE_BUFFERS;

  static {
    RocksDB.loadLibrary();
    // High-priority pool share for index and filter blocks, so lookups do not evict them.
    CACHE = new LRUCache(TOTAL_BYTES, -1, false, 0.1);
    WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(CACHE);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(WRITE_BUFFERS);
    options.setWriteBufferSize(MEMTABLE_SIZE);
    options.setMaxWriteBufferNumber(2);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write buffer manager are shared by every store: never closed here.
  }
}
