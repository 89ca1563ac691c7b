package dev.vigil.processor;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global prompts store equal to the compacted {@code vigil.prompts} topic: a value
 * replaces the prompt, a tombstone removes it. Values are kept raw and judged by the rule
 * processor, so a malformed prompt is reported on {@code vigil.prompt-status} rather than stopping
 * the global thread.
 */
final class PromptStoreUpdater implements Processor<String, byte[], Void, Void> {
  private KeyValueStore<String, byte[]> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(VigilTopology.PROMPTS_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
