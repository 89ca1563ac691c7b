package dev.vigil.processor.dashboard;

import dev.vigil.config.JsonSerde;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Where violations' evidence snapshots live: the state store {@value #STORE}, violation id → {@link
 * Snapshot}, in the task that processes the camera's frames (so it is found by the camera's key),
 * backed by a changelog. A snapshot is stored only after {@link
 * dev.vigil.inference.vision.SnapshotRenderer} has pixelated every head, and is kept {@link
 * #RETENTION}, as long as the frames topic keeps the frame it came from.
 */
public final class EvidenceSnapshots {
  /** The store's name. */
  public static final String STORE = "evidence-snapshots";

  /** How long a snapshot is kept: the frames topic's retention. */
  public static final Duration RETENTION = Duration.ofHours(24);

  private EvidenceSnapshots() {}

  /**
   * One evidence snapshot.
   *
   * @param timestamp event time of the frame, epoch millis
   * @param camera the camera it came from
   * @param jpeg the rendered JPEG: heads pixelated, boxes drawn
   */
  public record Snapshot(long timestamp, String camera, byte[] jpeg) {}

  /** The path a violation's snapshot is served at, as named in its {@code evidence.snapshot}. */
  public static String path(String camera, String violationId) {
    return "/evidence/" + camera + "/" + violationId + ".jpg";
  }

  /**
   * The store. Its changelog is compacted and also deleted after {@link #RETENTION}, so a restore
   * never brings back a snapshot older than that.
   */
  public static StoreBuilder<KeyValueStore<String, Snapshot>> storeBuilder() {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STORE), Serdes.String(), new JsonSerde<>(Snapshot.class))
        .withLoggingEnabled(
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                Long.toString(RETENTION.toMillis())));
  }
}
