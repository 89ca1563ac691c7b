package dev.vigil.processor.dashboard;

import dev.vigil.config.http.ServiceHttp;
import dev.vigil.config.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The processor's metrics: named meters on the service's Micrometer registry, served in the
 * Prometheus text format by {@link #render()} together with everything else on that registry (JVM,
 * Kafka Streams, the model route).
 *
 * <p>Thread-safe: the recording methods may be called from any stream thread while the HTTP server
 * renders. The registry belongs to whoever passed it in; {@link #VigilMetrics()} makes one of its
 * own with no JVM meters, which needs no closing.
 */
public final class VigilMetrics {
  /** The content type of {@link #render()}. */
  public static final String CONTENT_TYPE = ServiceHttp.METRICS_TYPE;

  /** Upper bounds (seconds) of the model latency histogram buckets. */
  public static final double[] MODEL_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Upper bounds (seconds) of the end-to-end latency histogram buckets. */
  public static final double[] END_TO_END_BUCKETS = {
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
  };

  private final ServiceMetrics service;
  private final MeterRegistry registry;
  private final Timer model;
  private final Timer endToEnd;
  private final Map<String, Timer> stages = new ConcurrentHashMap<>();
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> cameraOnline = new ConcurrentHashMap<>();
  private final MultiGauge lagGauge;
  private final Map<List<String>, Double> lagValues = new ConcurrentHashMap<>();
  private final List<Supplier<Map<List<String>, Double>>> lagSources = new CopyOnWriteArrayList<>();

  /** Metrics on a registry of their own, with no JVM meters (a topology measured alone). */
  public VigilMetrics() {
    this(ServiceMetrics.bare());
  }

  /** Metrics on the registry of {@code service}, which serves them with its JVM meters. */
  public VigilMetrics(ServiceMetrics service) {
    this.service = service;
    this.registry = service.registry();
    this.model =
        histogram("vigil.model.latency", "Time the model took on one frame.", MODEL_BUCKETS);
    this.endToEnd =
        histogram(
            "vigil.end.to.end.latency",
            "Wall-clock time from frame capture to its observation.",
            END_TO_END_BUCKETS);
    this.lagGauge =
        MultiGauge.builder("vigil.consumer.lag")
            .description("Records behind the end of each input partition.")
            .register(registry);
  }

  /** The registry these metrics are on, for other parts of the processor to add theirs. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Counts one frame received from {@code camera}. */
  public void framesIn(String camera) {
    counter("vigil.frames.in", "Frames received from vigil.frames.", "camera", camera).increment();
  }

  /** Counts one frame of {@code camera} dropped for {@code reason} (keep reasons few and fixed). */
  public void frameDropped(String camera, String reason) {
    counter(
            "vigil.frames.dropped",
            "Frames not analysed, such as undecodable frames sent to the dead-letter topic.",
            "camera",
            camera,
            "reason",
            reason)
        .increment();
  }

  /** Counts one dead letter sent for {@code reason}, a short fixed code such as {@code bad_id}. */
  public void deadLetter(String reason) {
    counter(
            "vigil.dead.letters",
            "Records sent to the dead-letter topic, by reason (see README: dead letters).",
            "reason",
            reason)
        .increment();
  }

  /**
   * Adds the time one frame spent in {@code stage} (decode, preprocess, model, helmet, scene,
   * rules, ...), so {@code /metrics} shows where each millisecond of a frame goes.
   */
  public void stage(String stage, double seconds) {
    stages
        .computeIfAbsent(
            stage,
            s ->
                Timer.builder("vigil.stage")
                    .description("Time frames spent in each processing stage.")
                    .tag("stage", s)
                    .register(registry))
        .record(nanos(seconds), TimeUnit.NANOSECONDS);
  }

  /**
   * Seconds spent in each stage so far and how many times it ran: {@code stage -> [sum, count]}.
   */
  public Map<String, double[]> stages() {
    Map<String, double[]> out = new TreeMap<>();
    stages.forEach((k, t) -> out.put(k, new double[] {t.totalTime(TimeUnit.SECONDS), t.count()}));
    return out;
  }

  /** Sets whether {@code camera} is online (frames within its {@code offline_after_s}). */
  public void cameraOnline(String camera, boolean online) {
    cameraOnline
        .computeIfAbsent(
            camera,
            c -> {
              AtomicInteger value = new AtomicInteger();
              io.micrometer.core.instrument.Gauge.builder(
                      "vigil.camera.online", value, AtomicInteger::get)
                  .description("1 while the camera sends frames, 0 once offline.")
                  .tag("camera", c)
                  .register(registry);
              return value;
            })
        .set(online ? 1 : 0);
  }

  /** Records one model run of {@code seconds}. */
  public void modelLatency(double seconds) {
    model.record(nanos(seconds), TimeUnit.NANOSECONDS);
  }

  /** Records the end-to-end latency of one frame in {@code seconds}. */
  public void endToEnd(double seconds) {
    endToEnd.record(nanos(seconds), TimeUnit.NANOSECONDS);
  }

  /**
   * Counts one violation event in {@code state} ({@code open}, {@code update}, {@code resolved}).
   */
  public void violation(String state) {
    counter("vigil.violations", "Violation lifecycle events by state.", "state", state).increment();
  }

  /** Sets the consumer lag of one partition, in records. */
  public void lag(String topic, int partition, double value) {
    lagValues.put(List.of(topic, Integer.toString(partition)), value);
  }

  /**
   * Adds a source of consumer lag read at every {@link #render()}: a map from {@code [topic,
   * partition]} to lag in records. Values from sources override those set by {@link #lag}.
   */
  public void lagSource(Supplier<Map<List<String>, Double>> source) {
    lagSources.add(Objects.requireNonNull(source, "source"));
  }

  /**
   * Reads consumer lag from the metrics of {@code streams} at every {@link #render()}: the {@code
   * records-lag} of each assigned partition of the main consumers (restore consumers are skipped;
   * when several clients report one partition, the largest lag wins).
   */
  public void lagFromStreams(KafkaStreams streams) {
    lagSource(() -> streamsLag(streams.metrics()));
  }

  /** The per-partition {@code records-lag} of Kafka client metrics, as {@link #lagSource} wants. */
  public static Map<List<String>, Double> streamsLag(Map<MetricName, ? extends Metric> metrics) {
    Map<List<String>, Double> lag = new HashMap<>();
    for (var e : metrics.entrySet()) {
      MetricName n = e.getKey();
      if (!n.name().equals("records-lag") || !n.group().equals("consumer-fetch-manager-metrics")) {
        continue;
      }
      String client = n.tags().getOrDefault("client-id", "");
      String topic = n.tags().get("topic");
      String partition = n.tags().get("partition");
      if (client.contains("restore-consumer") || topic == null || partition == null) {
        continue;
      }
      if (e.getValue().metricValue() instanceof Number v && !Double.isNaN(v.doubleValue())) {
        lag.merge(List.of(topic, partition), v.doubleValue(), Math::max);
      }
    }
    return lag;
  }

  /** Every meter of the registry in the Prometheus text format 0.0.4. */
  public String render() {
    refreshLag();
    return service.scrape();
  }

  private void refreshLag() {
    Map<List<String>, Double> lag = new HashMap<>(lagValues);
    for (var source : lagSources) {
      try {
        lag.putAll(source.get());
      } catch (RuntimeException e) {
        // A closed or failing streams client must not break the scrape of everything else.
      }
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>(lag.size());
    lag.forEach(
        (key, value) ->
            rows.add(
                MultiGauge.Row.of(Tags.of("topic", key.get(0), "partition", key.get(1)), value)));
    // Partitions no longer assigned drop out rather than repeat their last lag.
    lagGauge.register(rows, true);
  }

  /** The counter of {@code name} and {@code tags}, built once: several are counted per frame. */
  private Counter counter(String name, String help, String... tags) {
    for (int i = 1; i < tags.length; i += 2) {
      tags[i] = tags[i] == null ? "" : tags[i];
    }
    List<String> key = new ArrayList<>(tags.length + 1);
    key.add(name);
    key.addAll(List.of(tags));
    return counters.computeIfAbsent(
        key, k -> Counter.builder(name).description(help).tags(tags).register(registry));
  }

  private Timer histogram(String name, String help, double[] bucketsS) {
    Duration[] slos = new Duration[bucketsS.length];
    for (int i = 0; i < bucketsS.length; i++) {
      slos[i] = Duration.ofNanos(nanos(bucketsS[i]));
    }
    // Fixed buckets, as before Micrometer: the dashboards' histogram_quantile reads these.
    return Timer.builder(name).description(help).serviceLevelObjectives(slos).register(registry);
  }

  private static long nanos(double seconds) {
    return Math.round(seconds * 1e9);
  }
}
