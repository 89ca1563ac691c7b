package dev.vigil.processor;

import dev.vigil.processor.rules.RuleState;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The rule state store and its keys: {@code camera/prompt}, or {@code camera/prompt#track} for the
 * rule of one person. Reads are copied out of the store, so callers may write while they walk the
 * result. Not thread-safe: one per rule processor.
 */
final class RuleStates {
  /** Separates the prompt id from the track id in the state keys of per-person rules. */
  static final char TRACK_SEPARATOR = '#';

  private final KeyValueStore<String, RuleState> store;

  RuleStates(KeyValueStore<String, RuleState> store) {
    this.store = store;
  }

  RuleState get(String key) {
    return store.get(key);
  }

  void put(String key, RuleState state) {
    store.put(key, state);
  }

  void delete(String key) {
    store.delete(key);
  }

  /** Every rule of every camera. */
  List<KeyValue<String, RuleState>> all() {
    return StoreScan.copy(store.all());
  }

  /** The rules whose keys start with {@code prefix}. */
  List<KeyValue<String, RuleState>> withPrefix(String prefix) {
    return StoreScan.copy(store.range(prefix, prefix + '\uffff'));
  }

  /** Every rule of {@code camera}, per-person ones included. */
  List<KeyValue<String, RuleState>> ofCamera(String camera) {
    return withPrefix(camera + "/");
  }

  static String cameraOf(String key) {
    return key.substring(0, key.lastIndexOf('/'));
  }

  static String promptIdOf(String key) {
    String id = key.substring(key.lastIndexOf('/') + 1);
    int track = id.indexOf(TRACK_SEPARATOR);
    return track < 0 ? id : id.substring(0, track);
  }

  static long trackOf(String key) {
    return Long.parseLong(key.substring(key.lastIndexOf(TRACK_SEPARATOR) + 1));
  }
}
