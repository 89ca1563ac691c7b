package dev.vigil.processor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The prompts of the global {@code vigil.prompts} store, parsed once per version by the catalog.
 * Not thread-safe: one per rule processor.
 */
final class ActivePrompts {
  private final KeyValueStore<String, byte[]> store;
  private final PromptCatalog catalog;

  ActivePrompts(KeyValueStore<String, byte[]> store, PromptCatalog catalog) {
    this.store = store;
    this.catalog = catalog;
  }

  /** Every prompt in the store, accepted or not, by id in store order. */
  Map<String, PromptCatalog.Entry> all() {
    Map<String, PromptCatalog.Entry> all = new LinkedHashMap<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (kv.value != null) {
          all.put(kv.key, catalog.get(kv.key, kv.value));
        }
      }
    }
    return all;
  }

  /** The versions to run: the accepted prompts, and the earlier version of a rejected edit. */
  List<PromptCatalog.Entry> running() {
    List<PromptCatalog.Entry> out = new ArrayList<>();
    for (PromptCatalog.Entry e : all().values()) {
      PromptCatalog.Entry run = e.toRun();
      if (run != null) {
        out.add(run);
      }
    }
    return out;
  }

  /** {@link #running()} by prompt id. */
  Map<String, PromptCatalog.Entry> runningById() {
    Map<String, PromptCatalog.Entry> active = new HashMap<>();
    for (PromptCatalog.Entry e : running()) {
      active.put(e.id(), e);
    }
    return active;
  }
}
