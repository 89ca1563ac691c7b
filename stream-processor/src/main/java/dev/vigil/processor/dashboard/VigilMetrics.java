package dev.vigil.processor.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Vigil's metrics, rendered in the Prometheus text exposition format 0.0.4 by {@link #render()}.
 *
 * <p>Thread-safe: the recording methods may be called from any stream thread while the HTTP server
 * renders. One instance per process; it holds no resources, so it needs no closing.
 */
public final class VigilMetrics {
  /** The content type of {@link #render()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Upper bounds (seconds) of the model latency histogram buckets. */
  public static final double[] MODEL_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Upper bounds (seconds) of the end-to-end latency histogram buckets. */
  public static final double[] END_TO_END_BUCKETS = {
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
  };

  private final Counter framesIn =
      new Counter("vigil_frames_in_total", "Frames received from vigil.frames.", "camera");
  private final Counter framesDropped =
      new Counter(
          "vigil_frames_dropped_total",
          "Frames not analysed, such as undecodable frames sent to the dead-letter topic.",
          "camera",
          "reason");
  private final Histogram model =
      new Histogram(
          "vigil_model_latency_seconds", "Time the model took on one frame.", MODEL_BUCKETS);
  private final Histogram endToEnd =
      new Histogram(
          "vigil_end_to_end_latency_seconds",
          "Wall-clock time from frame capture to its observation.",
          END_TO_END_BUCKETS);
  private final Counter violations =
      new Counter("vigil_violations_total", "Violation lifecycle events by state.", "state");
  private final Counter deadLetters =
      new Counter(
          "vigil_dead_letters_total",
          "Records sent to the dead-letter topic, by reason (see README: dead letters).",
          "reason");
  private final Map<String, Double> cameraOnline = new ConcurrentHashMap<>();
  private final Map<String, DoubleAdder[]> stages = new ConcurrentHashMap<>();
  private final List<java.util.function.Supplier<String>> included =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<List<String>, Double> lagValues = new ConcurrentHashMap<>();
  private final List<Supplier<Map<List<String>, Double>>> lagSources = new CopyOnWriteArrayList<>();

  /** Counts one frame received from {@code camera}. */
  public void framesIn(String camera) {
    framesIn.inc(camera);
  }

  /** Counts one frame of {@code camera} dropped for {@code reason} (keep reasons few and fixed). */
  public void frameDropped(String camera, String reason) {
    framesDropped.inc(camera, reason);
  }

  /** Counts one dead letter sent for {@code reason}, a short fixed code such as {@code bad_id}. */
  public void deadLetter(String reason) {
    deadLetters.inc(reason);
  }

  /**
   * Adds the time one frame spent in {@code stage} (decode, preprocess, model, helmet, scene,
   * rules, ...), so {@code /metrics} shows where each millisecond of a frame goes.
   */
  public void stage(String stage, double seconds) {
    DoubleAdder[] a =
        stages.computeIfAbsent(
            stage, k -> new DoubleAdder[] {new DoubleAdder(), new DoubleAdder()});
    a[0].add(seconds);
    a[1].add(1);
  }

  /**
   * Seconds spent in each stage so far and how many times it ran: {@code stage -> [sum, count]}.
   */
  public Map<String, double[]> stages() {
    Map<String, double[]> out = new java.util.TreeMap<>();
    stages.forEach((k, v) -> out.put(k, new double[] {v[0].sum(), v[1].sum()}));
    return out;
  }

  /** Sets whether {@code camera} is online (frames within its {@code offline_after_s}). */
  public void cameraOnline(String camera, boolean online) {
    cameraOnline.put(camera, online ? 1.0 : 0.0);
  }

  /** Records one model run of {@code seconds}. */
  public void modelLatency(double seconds) {
    model.observe(seconds);
  }

  /** Records the end-to-end latency of one frame in {@code seconds}. */
  public void endToEnd(double seconds) {
    endToEnd.observe(seconds);
  }

  /**
   * Counts one violation event in {@code state} ({@code open}, {@code update}, {@code resolved}).
   */
  public void violation(String state) {
    violations.inc(state);
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

  /** All metrics in the Prometheus text format 0.0.4. */
  public String render() {
    StringBuilder out = new StringBuilder(2048);
    framesIn.render(out);
    framesDropped.render(out);
    model.render(out);
    endToEnd.render(out);
    violations.render(out);
    deadLetters.render(out);
    header(
        out,
        "vigil_stage_seconds",
        "Time frames spent in each processing stage (sum and count per stage).",
        "summary");
    for (var e : new java.util.TreeMap<>(stages).entrySet()) {
      List<String> stage = List.of(e.getKey());
      sample(out, "vigil_stage_seconds_sum", List.of("stage"), stage, e.getValue()[0].sum());
      sample(out, "vigil_stage_seconds_count", List.of("stage"), stage, e.getValue()[1].sum());
    }
    header(out, "vigil_camera_online", "1 while the camera sends frames, 0 once offline.", "gauge");
    for (var e : new java.util.TreeMap<>(cameraOnline).entrySet()) {
      sample(out, "vigil_camera_online", List.of("camera"), List.of(e.getKey()), e.getValue());
    }
    Map<List<String>, Double> lag = new HashMap<>(lagValues);
    for (var source : lagSources) {
      try {
        lag.putAll(source.get());
      } catch (RuntimeException e) {
        // A closed or failing streams client must not break the scrape of everything else.
      }
    }
    header(out, "vigil_consumer_lag", "Records behind the end of each input partition.", "gauge");
    for (var e : sorted(lag)) {
      sample(out, "vigil_consumer_lag", List.of("topic", "partition"), e.getKey(), e.getValue());
    }
    included.forEach(part -> out.append(part.get()));
    return out.toString();
  }

  /** Adds another part's metrics (text format) to {@link #render}, such as the model route's. */
  public void include(java.util.function.Supplier<String> part) {
    included.add(part);
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(
      StringBuilder out, String name, List<String> labels, List<String> values, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      for (int i = 0; i < labels.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labels.get(i)).append("=\"").append(escape(values.get(i))).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(number(value)).append('\n');
  }

  /**
   * Formats a sample value: whole numbers without a fraction, infinities as Prometheus spells them.
   */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> m) {
    List<Map.Entry<List<String>, V>> entries = new ArrayList<>(m.entrySet());
    entries.sort(Map.Entry.comparingByKey(LABELS_ORDER));
    return entries;
  }

  private static final Comparator<List<String>> LABELS_ORDER =
      (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
          int c = a.get(i).compareTo(b.get(i));
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(a.size(), b.size());
      };

  /** A counter family with fixed label names. */
  private static final class Counter {
    private final String name;
    private final String help;
    private final List<String> labels;
    private final Map<List<String>, DoubleAdder> series = new ConcurrentHashMap<>();

    Counter(String name, String help, String... labels) {
      this.name = name;
      this.help = help;
      this.labels = List.of(labels);
    }

    void inc(String... values) {
      List<String> key = new ArrayList<>(values.length);
      for (String v : values) {
        key.add(v == null ? "" : v);
      }
      series.computeIfAbsent(List.copyOf(key), k -> new DoubleAdder()).add(1);
    }

    void render(StringBuilder out) {
      header(out, name, help, "counter");
      for (var e : sorted(series)) {
        sample(out, name, labels, e.getKey(), e.getValue().sum());
      }
    }
  }

  /** A histogram with fixed bucket bounds and no labels. */
  private static final class Histogram {
    private final String name;
    private final String help;
    private final double[] bounds;
    private final LongAdder[] counts;
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(String name, String help, double[] bounds) {
      this.name = name;
      this.help = help;
      this.bounds = bounds.clone();
      this.counts = new LongAdder[bounds.length];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double v) {
      if (Double.isNaN(v)) {
        return;
      }
      // Each observation lands in its smallest bucket; render() accumulates them.
      for (int i = 0; i < bounds.length; i++) {
        if (v <= bounds[i]) {
          counts[i].increment();
          break;
        }
      }
      count.increment();
      sum.add(v);
    }

    void render(StringBuilder out) {
      header(out, name, help, "histogram");
      // Reads race with observe(): clamp buckets to the total read first, so the rendered
      // cumulative counts never exceed +Inf.
      long total = count.sum();
      double s = sum.sum();
      long cumulative = 0;
      for (int i = 0; i < bounds.length; i++) {
        cumulative += counts[i].sum();
        sample(
            out,
            name + "_bucket",
            List.of("le"),
            List.of(number(bounds[i])),
            Math.min(cumulative, total));
      }
      sample(out, name + "_bucket", List.of("le"), List.of("+Inf"), total);
      sample(out, name + "_sum", List.of(), List.of(), s);
      sample(out, name + "_count", List.of(), List.of(), total);
    }
  }
}
