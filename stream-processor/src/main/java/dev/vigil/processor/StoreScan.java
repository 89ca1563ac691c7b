package dev.vigil.processor;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/** Reads a state store's range into a list. */
final class StoreScan {
  private StoreScan() {}

  /**
   * Copies what {@code it} holds and closes it, so the caller may write to the store while it walks
   * the copy.
   */
  static <K, V> List<KeyValue<K, V>> copy(KeyValueIterator<K, V> it) {
    try (it) {
      List<KeyValue<K, V>> all = new ArrayList<>();
      it.forEachRemaining(all::add);
      return all;
    }
  }
}
