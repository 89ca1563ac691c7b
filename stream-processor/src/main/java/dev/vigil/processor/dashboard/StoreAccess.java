package dev.vigil.processor.dashboard;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read-only access to the dashboard's key-value stores by name. Implementations must be safe to
 * call from several HTTP threads at once; the stores they return are only used for one request.
 */
@FunctionalInterface
public interface StoreAccess {
  /**
   * The key-value store called {@code name}.
   *
   * @throws DashboardUnavailableException when the store cannot be queried now
   */
  ReadOnlyKeyValueStore<String, ?> keyValueStore(String name);

  /**
   * Interactive queries over {@code streams}: every local partition of the store. Refuses while
   * {@code streams} is not {@code RUNNING}, so a rebalance or restore answers 503 rather than a
   * partial view.
   */
  static StoreAccess of(KafkaStreams streams) {
    return name -> {
      KafkaStreams.State state = streams.state();
      if (state != KafkaStreams.State.RUNNING) {
        throw new DashboardUnavailableException("Kafka Streams is " + state + ", not RUNNING");
      }
      try {
        return streams.store(
            StoreQueryParameters.fromNameAndType(
                name, QueryableStoreTypes.<String, Object>keyValueStore()));
      } catch (InvalidStateStoreException e) {
        throw new DashboardUnavailableException(
            "store " + name + " cannot be queried now: " + e.getMessage(), e);
      }
    };
  }
}
