package dev.vigil.processor.dashboard;

import dev.vigil.config.CameraStatus;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.Observation;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Adds the dashboard's sub-topologies to a Vigil topology. They read {@code vigil.observations} and
 * {@code vigil.violations} and keep the state stores that {@link DashboardApi} queries:
 *
 * <pre>
 * vigil.observations ─► dashboard-observations ─► {@value #LATEST_STORE}, {@value #COMPLIANCE_STORE},
 *                                                  {@value #HOURLY_COMPLIANCE_STORE}
 * vigil.violations   ─► dashboard-violations   ─► {@value #OPEN_VIOLATIONS_STORE}, {@value #HISTORY_STORE},
 *                                                  {@value #HOURLY_VIOLATIONS_STORE}
 * </pre>
 *
 * Everything runs on event time (record timestamps), so replays rebuild the same state. The two
 * inputs are keyed differently (camera vs {@code camera/prompt}), so each has its own sub-topology
 * and no co-partitioning is needed. Static and stateless: call it while building the topology.
 */
public final class DashboardTopology {
  /** Camera id → its newest {@link Observation}. */
  public static final String LATEST_STORE = "dashboard-latest";

  /** Camera id → {@link ComplianceWindow}, per-minute helmet counts of the last hour. */
  public static final String COMPLIANCE_STORE = "dashboard-compliance";

  /** Violation id → its latest open or update event; removed when it resolves. */
  public static final String OPEN_VIOLATIONS_STORE = "dashboard-open-violations";

  /** Camera id to its latest {@link CameraStatus} from {@code vigil.camera-status}. */
  public static final String AVAILABILITY_STORE = "dashboard-availability";

  /**
   * {@link #historyKey} → {@link HistoryEvent}: the violation events of the current UTC day (by
   * stream time), at most {@link #HISTORY_LIMIT} per partition, oldest dropped first.
   */
  public static final String HISTORY_STORE = "dashboard-history";

  /**
   * {@code <hour>/<camera>} → {@link HourlyCompliance}: helmet judgements per UTC hour, whole
   * camera and per zone, kept {@link HourlyRetention#RETENTION} (30 days) of event time.
   */
  public static final String HOURLY_COMPLIANCE_STORE = "dashboard-hourly-compliance";

  /**
   * {@code <hour>/<camera>/<prompt>} → {@link HourlyViolations}: violation episodes per UTC hour of
   * their start, kept {@link HourlyRetention#RETENTION} (30 days) of event time.
   */
  public static final String HOURLY_VIOLATIONS_STORE = "dashboard-hourly-violations";

  /** The most history events kept per partition of {@code vigil.violations}. */
  public static final int HISTORY_LIMIT = 1000;

  static final String OBSERVATIONS_SOURCE = "dashboard-observations-source";
  static final String VIOLATIONS_SOURCE = "dashboard-violations-source";
  static final String OBSERVATIONS_PROCESSOR = "dashboard-observations";
  static final String VIOLATIONS_PROCESSOR = "dashboard-violations";
  static final String CAMERA_STATUS_SOURCE = "dashboard-camera-status-source";
  static final String CAMERA_STATUS_PROCESSOR = "dashboard-camera-status";

  private DashboardTopology() {}

  /** Adds the dashboard to {@code topology}, recording no metrics. */
  public static Topology addTo(Topology topology, Topics topics) {
    return addTo(topology, topics, null);
  }

  /**
   * Adds the dashboard to {@code topology}.
   *
   * @param metrics when not null, records from the output topics: model latency ({@code
   *     timings_ms.model} of each observation), end-to-end latency (wall clock now minus capture
   *     time, when the observation becomes visible here) and violation events by state. Do not also
   *     call {@link VigilMetrics#modelLatency}, {@link VigilMetrics#endToEnd} or {@link
   *     VigilMetrics#violation} elsewhere, or they count twice.
   * @return {@code topology}
   */
  public static Topology addTo(Topology topology, Topics topics, VigilMetrics metrics) {
    return addTo(topology, topics, metrics, HISTORY_LIMIT);
  }

  /** As {@link #addTo(Topology, Topics, VigilMetrics)}, keeping at most {@code historyLimit}. */
  static Topology addTo(Topology topology, Topics topics, VigilMetrics metrics, int historyLimit) {
    if (historyLimit < 1) {
      throw new IllegalArgumentException("historyLimit must be at least 1, not " + historyLimit);
    }
    var strings = Serdes.String();
    topology.addSource(
        OBSERVATIONS_SOURCE,
        strings.deserializer(),
        JsonSerde.observation().deserializer(),
        topics.observations());
    topology.addSource(
        VIOLATIONS_SOURCE,
        strings.deserializer(),
        JsonSerde.violation().deserializer(),
        topics.violations());
    topology.addProcessor(
        OBSERVATIONS_PROCESSOR, () -> new ObservationTracker(metrics), OBSERVATIONS_SOURCE);
    topology.addProcessor(
        VIOLATIONS_PROCESSOR, () -> new ViolationTracker(metrics, historyLimit), VIOLATIONS_SOURCE);
    topology.addSource(
        CAMERA_STATUS_SOURCE,
        strings.deserializer(),
        new JsonSerde<>(CameraStatus.class).deserializer(),
        topics.cameraStatus());
    topology.addProcessor(
        CAMERA_STATUS_PROCESSOR,
        () ->
            new Processor<String, CameraStatus, Void, Void>() {
              private KeyValueStore<String, CameraStatus> store;

              @Override
              public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore(AVAILABILITY_STORE);
              }

              @Override
              public void process(Record<String, CameraStatus> r) {
                if (r.key() != null && r.value() != null) {
                  store.put(r.key(), r.value());
                }
              }
            },
        CAMERA_STATUS_SOURCE);
    topology.addStateStore(
        inMemory(AVAILABILITY_STORE, new JsonSerde<>(CameraStatus.class)), CAMERA_STATUS_PROCESSOR);
    topology.addStateStore(inMemory(LATEST_STORE, JsonSerde.observation()), OBSERVATIONS_PROCESSOR);
    topology.addStateStore(
        persistent(COMPLIANCE_STORE, new JsonSerde<>(ComplianceWindow.class)),
        OBSERVATIONS_PROCESSOR);
    topology.addStateStore(
        persistent(OPEN_VIOLATIONS_STORE, JsonSerde.violation()), VIOLATIONS_PROCESSOR);
    topology.addStateStore(
        persistent(HISTORY_STORE, new JsonSerde<>(HistoryEvent.class)), VIOLATIONS_PROCESSOR);
    topology.addStateStore(
        hourly(HOURLY_COMPLIANCE_STORE, HourlyCompliance.class), OBSERVATIONS_PROCESSOR);
    topology.addStateStore(
        hourly(HOURLY_VIOLATIONS_STORE, HourlyViolations.class), VIOLATIONS_PROCESSOR);
    return topology;
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> inMemory(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values);
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> persistent(
      String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(name), Serdes.String(), values);
  }

  /** A store of hourly totals, whose changelog forgets what {@link HourlyRetention} drops. */
  private static <V> StoreBuilder<KeyValueStore<String, V>> hourly(String name, Class<V> type) {
    return persistent(name, new JsonSerde<>(type))
        .withLoggingEnabled(HourlyRetention.changelogConfig());
  }

  /**
   * The history key of an event: zero-padded event time, then id and state, so keys sort by time
   * and a replayed event overwrites itself instead of appearing twice.
   */
  public static String historyKey(long timestamp, Violation v) {
    return String.format(Locale.ROOT, "%015d/%s/%s", Math.max(0, timestamp), v.id(), v.state());
  }
}
