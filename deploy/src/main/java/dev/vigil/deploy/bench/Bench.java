package dev.vigil.deploy.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.vigil.agent.AgentOptions;
import dev.vigil.agent.AgentProducer;
import dev.vigil.agent.CameraStats;
import dev.vigil.agent.EdgeAgent;
import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.deploy.embedded.EmbeddedMqtt;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.audio.AudioAnalyzer;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.vision.PersonPerception;
import dev.vigil.processor.ProcessorApp;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code vigil bench} run, in one process: the bare model, then the full pipeline (agent,
 * Kafka, processor, alerts, MQTT) on embedded brokers with simulated cameras replaying real
 * footage.
 *
 * <p>Phases, in this order (stream time only moves forward, so the phase that writes capture times
 * ahead of the wall clock comes before the realtime ones and is waited out):
 *
 * <ol>
 *   <li>a small backlog of frames from the footage (agent, as fast as possible, no motion gate),
 *       read back to give the bare model the very JPEGs the pipeline carries;
 *   <li>the bare model: decode + inference in a tight loop, on as many threads as stream threads;
 *   <li>throughput: a backlog sized from the bare rate, then the processor starts and drains it;
 *       {@code pipeline_fps} is the rate at which it commits frame offsets once the JIT has
 *       settled;
 *   <li>latency: N cameras at F fps in realtime with motion gating; an MQTT subscriber times every
 *       {@code open} event from the capture of its frame;
 *   <li>the camera search at 2 fps: doubling, then bisecting, N until consumer lag grows.
 * </ol>
 *
 * <p>Not thread-safe; run once.
 */
public final class Bench {
  private static final Logger LOG = LoggerFactory.getLogger(Bench.class);
  static final String SITE = "bench";
  static final String PROMPT_TEXT = "How many people are in view?";
  static final String APP_ID = "vigil-bench-processor";
  static final int PARTITIONS = 4;

  /** Cameras that write the throughput backlog, spread evenly over the partitions. */
  static final int BACKLOG_CAMERAS = 16;

  /** JIT compile rate, in cores, below which the pipeline counts as warmed up. */
  static final double JIT_SETTLED_CORES = 0.05;

  /** Span over which the JIT compile rate is averaged. */
  static final Duration JIT_SPAN = Duration.ofSeconds(10);

  /** Throughput windows; {@code pipeline_fps} is their median. */
  static final int WINDOWS = 3;

  /** The clip with people walking through one at a time: many open/resolve episodes. */
  static final String FIRST_CLIP = "one-by-one-person-detection.mp4";

  /**
   * What to run.
   *
   * @param footage folder of video clips
   * @param cameras cameras of the latency phase
   * @param fps frames per second per camera in the latency phase
   * @param duration length of the latency phase
   * @param quick short phases and a small search, for a smoke test
   * @param streamThreads processor stream threads (also bare-model threads)
   * @param commitIntervalMs processor commit interval
   * @param intraOpThreads TensorFlow intra-op threads (process-wide)
   * @param lingerMs agent producer linger.ms
   * @param maxCameras upper bound of the camera search; 0 skips the search
   * @param motionThreshold camera motion gate threshold in the realtime phases
   * @param workDir where brokers and state live; deleted afterwards
   */
  public record Options(
      Path footage,
      int cameras,
      double fps,
      Duration duration,
      boolean quick,
      int streamThreads,
      long commitIntervalMs,
      int intraOpThreads,
      int lingerMs,
      int maxCameras,
      double motionThreshold,
      Path workDir) {}

  private final Options o;
  private final Function<SiteConfig, AutoCloseable> alertsSide;
  private final TopicSetup topicSetup;
  private final PhaseListener phases;
  private final List<Path> clips;
  private final Map<String, Object> details = new LinkedHashMap<>();
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private double peakRss;

  private Admin admin;
  private LagProbe frames;
  private Producer<String, byte[]> producer;
  private SiteConfig site;

  /**
   * @param options what to run
   * @param alertsSide starts the alerts side as deployed (violations to MQTT, retained state per
   *     camera) for a site and returns it running; the bench closes it. Handed in by the command,
   *     so this package does not depend on the CLI package that calls it.
   */
  /**
   * Creates Vigil's topics as every service does, with {@code partitions} per-camera partitions.
   */
  @FunctionalInterface
  public interface TopicSetup {
    void ensure(Admin admin, Topics topics, int partitions) throws Exception;
  }

  /** Told how many of the bench's {@link #PHASES} are done, for progress. */
  @FunctionalInterface
  public interface PhaseListener {
    void done(int phases);
  }

  /** Phases: frames, bare model, throughput, latency, camera search. */
  public static final int PHASES = 5;

  /**
   * @param alertsSide starts the alerts side for a site, as {@code vigil alerts} runs it
   * @param topicSetup creates the topics (the services' own provisioning)
   * @param phases told when each phase is done
   */
  public Bench(
      Options options,
      Function<SiteConfig, AutoCloseable> alertsSide,
      TopicSetup topicSetup,
      PhaseListener phases) {
    this.o = options;
    this.alertsSide = alertsSide;
    this.topicSetup = topicSetup;
    this.phases = phases;
    this.clips = clips(options.footage());
    if (clips.isEmpty()) {
      throw new IllegalArgumentException(
          "--footage " + options.footage() + ": no .mp4/.avi/.mkv clips found");
    }
  }

  /** The video clips of a folder, the one-by-one clip first; empty when there are none. */
  public static List<Path> clips(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("(?i).*\\.(mp4|avi|mkv|mov)$"))
          .sorted(
              Comparator.comparing((Path p) -> !p.getFileName().toString().equals(FIRST_CLIP))
                  .thenComparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  public BenchReport run() throws Exception {
    Files.createDirectories(o.workDir());
    details.put("machine", machine());
    details.put("options", optionsMap());
    details.put("clip", clips.get(0).getFileName().toString());
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, o.workDir().resolve("kafka"));
        EmbeddedMqtt mqtt = EmbeddedMqtt.start(0)) {
      site =
          new SiteConfig(
              SITE,
              new SiteConfig.Kafka(kafka.bootstrapServers(), Topics.DEFAULT_PREFIX, Map.of()),
              new SiteConfig.Mqtt(mqtt.url(), null, "vigil-bench-" + SITE, null, null, null),
              new SiteConfig.Model(null, o.intraOpThreads()),
              List.of(),
              List.of());
      Properties ap = new Properties();
      ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      admin = Admin.create(ap);
      try {
        provision();
        frames = new LagProbe(admin, APP_ID, site.topics().frames());
        producer =
            AgentProducer.createKafkaProducer(
                kafka.bootstrapServers(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(o.lingerMs())));
        return measure();
      } finally {
        if (producer != null) {
          producer.close(Duration.ofSeconds(10));
        }
        admin.close(Duration.ofSeconds(10));
      }
    }
  }

  private BenchReport measure() throws Exception {
    // 1. The JPEGs the pipeline carries: a first slice of the backlog, read back from Kafka.
    int sample = o.quick() ? 60 : 120;
    produceBacklog("warm-", sample);
    List<byte[]> jpegs = readFrames(sample);
    phases.done(1);
    LOG.info("bench: {} JPEG frames read back for the bare model", jpegs.size());

    try (PersonPerception model = PersonPerception.open(new ModelStore(), o.intraOpThreads())) {
      // 2. The bare model.
      BareModel.Result bare = bare(model, jpegs);
      LOG.info(
          "bench: bare model {} fps on {} thread(s) (decode {} ms, preprocess {} ms, model {} ms)",
          fmt(bare.fps()),
          o.streamThreads(),
          fmt(bare.decodeMs()),
          fmt(bare.preprocessMs()),
          fmt(bare.modelMs()));
      Map<String, Object> bareDetails = new LinkedHashMap<>();
      bareDetails.put("threads", o.streamThreads());
      bareDetails.put("frames", bare.frames());
      bareDetails.put("decode_ms", BenchReport.round(bare.decodeMs(), 2));
      bareDetails.put("preprocess_ms", BenchReport.round(bare.preprocessMs(), 2));
      bareDetails.put("model_ms", BenchReport.round(bare.modelMs(), 2));
      bareDetails.put("fps_before_pipeline", BenchReport.round(bare.fps(), 2));
      details.put("bare_model", bareDetails);
      sampleRss();
      phases.done(2);

      // 3. Throughput: a backlog worth the longest warm-up + window at the bare rate, then the
      // processor.
      Duration minWarmup = Duration.ofSeconds(o.quick() ? 3 : 30);
      Duration maxWarmup = Duration.ofSeconds(o.quick() ? 3 : 150);
      Duration window = Duration.ofSeconds(o.quick() ? 5 : 20);
      int backlog =
          (int)
              Math.ceil(
                  bare.fps() * (maxWarmup.toSeconds() + WINDOWS * window.toSeconds() + 3) * 1.2);
      produceBacklog("load-", backlog);
      Path state = o.workDir().resolve("streams");
      Files.createDirectories(state);
      try (LatencySubscriber subscriber = new LatencySubscriber(site.mqtt().url(), SITE);
          // The alerts side as deployed: violations to MQTT, and the retained state per camera.
          AutoCloseable alerts = alertsSide.apply(site);
          ProcessorApp processor = processor(model, state)) {
        processor.start();
        double pipelineFps = throughput(processor, minWarmup, maxWarmup, window);
        details.put("stream_thread_time", threadTime(processor));
        phases.done(3);
        sampleRss();
        awaitDrained(Duration.ofMinutes(5));
        // The bare model again, with the processor idle: this machine's speed drifts by tens of
        // percent over minutes, so the ratio's denominator is the mean of before and after.
        double bareAfter = bareFps(model, jpegs);
        bareDetails.put("fps_after_pipeline", BenchReport.round(bareAfter, 2));
        double bareFps = (bare.fps() + bareAfter) / 2;
        // Backlog capture times run ahead of the wall clock; let the clock pass them first.
        long ahead = frames.maxTimestamp() + 1000 - System.currentTimeMillis();
        if (ahead > 0) {
          LOG.info("bench: waiting {} ms for the wall clock to pass the backlog", ahead);
          Thread.sleep(ahead);
        }

        // 4. Latency.
        Latency latency = latency(subscriber);
        sampleRss();
        phases.done(4);

        // 5. Camera search at 2 fps.
        List<BenchReport.Trial> trials = new ArrayList<>();
        int camerasAt2 = o.maxCameras() > 0 ? search(trials) : -1;
        details.put("trials_at_2fps", BenchReport.Trial.toMaps(trials));
        phases.done(5);
        sampleRss();
        details.put("rss_now_mb", BenchReport.round(Rss.currentMb(), 0));
        details.put("rss_peak_hwm_mb", BenchReport.round(Rss.peakMb(), 0));
        return new BenchReport(
            bareFps,
            pipelineFps,
            latency.p50,
            latency.p99,
            camerasAt2,
            latency.skipFraction,
            peakRss,
            details);
      }
    }
  }

  private BareModel.Result bare(FrameAnalyzer model, List<byte[]> jpegs)
      throws InterruptedException {
    return BareModel.measure(
        model,
        jpegs,
        o.streamThreads(),
        Duration.ofSeconds(o.quick() ? 2 : 4),
        Duration.ofSeconds(o.quick() ? 5 : 15));
  }

  private double bareFps(FrameAnalyzer model, List<byte[]> jpegs) throws InterruptedException {
    double fps = bare(model, jpegs).fps();
    LOG.info("bench: bare model again, after the pipeline: {} fps", fmt(fps));
    return fps;
  }

  private ProcessorApp processor(FrameAnalyzer model, Path state) {
    return new ProcessorApp(
        site.kafka(),
        site.topics(),
        Map.of(),
        model,
        () -> new AudioAnalyzer()::analyze,
        new ProcessorApp.Options(APP_ID, state, o.streamThreads(), o.commitIntervalMs()));
  }

  // ---------------------------------------------------------------------------------------------
  // Phases

  /** Produces about {@code target} frames from the footage as fast as the agent can. */
  private void produceBacklog(String prefix, int target) throws InterruptedException {
    // Sixteen cameras share the backlog, so its capture times run less far ahead of the wall clock
    // and the clip (1,390 frames) does not run out, four per partition: frames are keyed by
    // camera, and plain ids would hash unevenly onto the four partitions, leaving one stream
    // thread idle for the end of the window.
    List<SiteConfig.Camera> cams = new ArrayList<>();
    for (String id : balancedIds(prefix, BACKLOG_CAMERAS / PARTITIONS, PARTITIONS)) {
      cams.add(new SiteConfig.Camera(id, clips.get(0).toString(), 10, 10, 0, 0, List.of()));
    }
    long t0 = System.nanoTime();
    EdgeAgent agent = new EdgeAgent(cams, producer, site.topics(), AgentOptions.defaults());
    agent.start();
    try {
      while (sent(agent.stats()) < target && !ended(agent.stats())) {
        Thread.sleep(20);
      }
    } finally {
      agent.close();
      producer.flush();
    }
    LOG.info(
        "bench: backlog {}: {} frames in {} s",
        prefix,
        sent(agent.stats()),
        fmt((System.nanoTime() - t0) / 1e9));
  }

  /** A plain consumer (no group, no commits) assigned every partition of {@code vigil.frames}. */
  private KafkaConsumer<String, byte[]> framesConsumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, site.kafka().bootstrapServers());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    c.assign(
        c.partitionsFor(site.topics().frames()).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList());
    return c;
  }

  private List<byte[]> readFrames(int max) {
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = framesConsumer()) {
      c.seekToBeginning(c.assignment());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < max && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (out.size() < max) {
            out.add(r.value());
          }
        }
      }
    }
    return out;
  }

  /** Rate of committed frame offsets after warm-up, while the processor drains the backlog. */
  private double throughput(
      ProcessorApp processor, Duration minWarmup, Duration maxWarmup, Duration window)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    LagProbe.Sample s = frames.sample();
    while (s.committed() == 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the processor committed nothing within 3 minutes");
      }
      Thread.sleep(100);
      s = frames.sample();
    }
    long cpu0 = os.getProcessCpuTime();
    double warmupS = warmUp(minWarmup, maxWarmup);
    long jit0 = jitMillis();
    ThreadCpu.Snapshot threads0 = ThreadCpu.snapshot();
    Map<String, double[]> stages0 = processor.metrics().stages();
    LagProbe.Sample first = frames.sample();
    LagProbe.Sample last = first;
    // Several windows, so one stall or burst of this shared machine does not make the figure.
    List<Double> rates = new ArrayList<>();
    for (int w = 0; w < WINDOWS && last.lag() > 0; w++) {
      LagProbe.Sample from = last;
      long end = from.nanos() + window.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(250);
        LagProbe.Sample n = frames.sample();
        if (n.lag() == 0) {
          break; // drained: the rest would measure idling
        }
        last = n;
      }
      double span = (last.nanos() - from.nanos()) / 1e9;
      if (span > 0) {
        rates.add((last.committed() - from.committed()) / span);
      }
    }
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    double fps = rates.isEmpty() ? Double.NaN : BenchStats.percentile(rates, 50);
    long committed = last.committed() - first.committed();
    ThreadCpu.Snapshot threads1 = ThreadCpu.snapshot();
    details.put("cpu_by_thread_group_cores", ThreadCpu.cores(threads0, threads1));
    details.put("other_threads_cores", ThreadCpu.topOther(threads0, threads1, 8));
    details.put(
        "stage_ms_per_frame", stagesPerFrame(stages0, processor.metrics().stages(), committed));
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / ((System.nanoTime() - s.nanos()) / 1e9);
    double jit = seconds > 0 ? (jitMillis() - jit0) / 1e3 / seconds : Double.NaN;
    LOG.info(
        "bench: pipeline {} fps over {} s ({} frames) after {} s of warm-up, {} cores busy, JIT {}"
            + " cores",
        fmt(fps),
        fmt(seconds),
        last.committed() - first.committed(),
        fmt(warmupS),
        fmt(cpu),
        fmt(jit));
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("warmup_s", BenchReport.round(warmupS, 1));
    t.put("window_s", BenchReport.round(seconds, 1));
    t.put("frames", committed);
    t.put("window_fps", rates.stream().map(r -> BenchReport.round(r, 2)).toList());
    t.put(
        "window_fps_min",
        BenchReport.round(
            rates.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN), 2));
    t.put(
        "window_fps_max",
        BenchReport.round(
            rates.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), 2));
    t.put("lag_left", last.lag());
    t.put("cpu_cores", BenchReport.round(cpu, 2));
    t.put("jit_cores", BenchReport.round(jit, 3));
    details.put("throughput", t);
    return fps;
  }

  /**
   * Milliseconds per committed frame in each processor stage over a window. Stages nest: {@code
   * store_serde} is part of tracking and rules, {@code output_serde} part of rules.
   */
  private static Map<String, Object> stagesPerFrame(
      Map<String, double[]> before, Map<String, double[]> after, long frames) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (frames <= 0) {
      return out;
    }
    after.forEach(
        (stage, v) -> {
          double[] b = before.getOrDefault(stage, new double[2]);
          out.put(stage, BenchReport.round((v[0] - b[0]) * 1000 / frames, 3));
        });
    return out;
  }

  /**
   * Lets the processor run for at least {@code min}, then until the JIT compiler has settled (less
   * than {@link #JIT_SETTLED_CORES} of a core spent compiling over the last {@link #JIT_SPAN}), for
   * at most {@code max}. In one process the JIT compiles the broker's, clients' and Streams' paths
   * for minutes at these request rates; a sustained rate should not include that one-off cost.
   *
   * @return seconds waited
   */
  private double warmUp(Duration min, Duration max) throws InterruptedException {
    long start = System.nanoTime();
    Thread.sleep(min.toMillis());
    if (jitMillis() < 0) {
      return (System.nanoTime() - start) / 1e9; // the JVM does not say: the minimum only
    }
    JitSettling jit = new JitSettling(JIT_SPAN, JIT_SETTLED_CORES);
    while (System.nanoTime() - start < max.toNanos()
        && !jit.settled(System.nanoTime(), jitMillis())) {
      Thread.sleep(1000);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** Milliseconds the JIT compilers have spent so far, or -1 when the JVM does not say. */
  private static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /**
   * Where the stream threads spent their time (Kafka Streams' own thread metrics, averaged over the
   * threads): processing, committing, polling, punctuating.
   */
  private static Map<String, Object> threadTime(ProcessorApp processor) {
    Map<String, Double> sums = new java.util.TreeMap<>();
    Map<String, Integer> counts = new java.util.TreeMap<>();
    for (var e : processor.streams().metrics().entrySet()) {
      var name = e.getKey();
      if (name.group().equals("stream-thread-metrics") && name.name().endsWith("-ratio")) {
        Object v = e.getValue().metricValue();
        if (v instanceof Double d && !d.isNaN()) {
          sums.merge(name.name(), d, Double::sum);
          counts.merge(name.name(), 1, Integer::sum);
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    sums.forEach((k, v) -> out.put(k, BenchReport.round(v / counts.get(k), 3)));
    LOG.info("bench: stream threads' time {}", out);
    return out;
  }

  private record Latency(double p50, double p99, double skipFraction) {}

  private Latency latency(LatencySubscriber subscriber) throws Exception {
    List<SiteConfig.Camera> cams = cameras("lat-", o.cameras(), o.fps(), o.motionThreshold());
    AtomicBoolean clockRunning = new AtomicBoolean(true);
    List<Long> captureToKafka = new ArrayList<>();
    Thread clock = new Thread(() -> frameClock(clockRunning, captureToKafka), "vigil-bench-clock");
    clock.setDaemon(true);
    clock.start();
    Fleet agent = new Fleet(cams);
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    List<Long> lags = new ArrayList<>();
    agent.start();
    try {
      long end = t0 + o.duration().toNanos();
      while (System.nanoTime() < end && !ended(agent.stats())) {
        Thread.sleep(1000);
        lags.add(frames.sample().lag());
      }
    } finally {
      agent.close();
      producer.flush();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / seconds;
    awaitDrained(Duration.ofMinutes(2));
    Thread.sleep(2000); // the last alerts: violations -> alerts -> MQTT
    clockRunning.set(false);
    clock.join(5000);
    Map<String, CameraStats> stats = agent.stats();
    List<Long> latencies =
        subscriber.arrivals("lat-").stream().map(LatencySubscriber.Arrival::latencyMs).toList();
    double skip = skipFraction(stats);
    Latency l =
        new Latency(
            BenchStats.percentile(latencies, 50), BenchStats.percentile(latencies, 99), skip);
    List<Long> c2k;
    synchronized (captureToKafka) {
      c2k = List.copyOf(captureToKafka);
    }
    LOG.info(
        "bench: latency over {} open events: p50 {} ms, p99 {} ms; capture->consumer p50 {} ms;"
            + " motion skip {}",
        latencies.size(),
        fmt(l.p50),
        fmt(l.p99),
        fmt(BenchStats.percentile(c2k, 50)),
        fmt(skip));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cameras", o.cameras());
    m.put("fps", o.fps());
    m.put("seconds", BenchReport.round(seconds, 1));
    m.put("open_events", latencies.size());
    m.put("latency_min_ms", latencies.stream().mapToLong(Long::longValue).min().orElse(-1));
    m.put("latency_max_ms", latencies.stream().mapToLong(Long::longValue).max().orElse(-1));
    m.put("latency_mean_ms", BenchReport.round(BenchStats.mean(latencies), 1));
    m.put("capture_to_consumer_p50_ms", BenchReport.round(BenchStats.percentile(c2k, 50), 0));
    m.put("capture_to_consumer_p99_ms", BenchReport.round(BenchStats.percentile(c2k, 99), 0));
    m.put("frames_sent", sent(stats));
    m.put("frames_dropped", stats.values().stream().mapToLong(CameraStats::framesDropped).sum());
    m.put("max_lag", lags.stream().mapToLong(Long::longValue).max().orElse(0));
    m.put("cpu_cores", BenchReport.round(cpu, 2));
    details.put("latency", m);
    return l;
  }

  /**
   * Checks that realtime pacing keeps capture times on the wall clock: the time from a frame's
   * capture timestamp to its arrival at a plain consumer should be tens of milliseconds.
   */
  private void frameClock(AtomicBoolean running, List<Long> out) {
    try (KafkaConsumer<String, byte[]> c = framesConsumer()) {
      c.seekToEnd(c.assignment());
      c.assignment().forEach(c::position);
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() != null && r.key().startsWith("lat-")) {
            synchronized (out) {
              out.add(System.currentTimeMillis() - r.timestamp());
            }
          }
        }
      }
    }
  }

  /** Doubling, then bisecting, the number of cameras at 2 fps while the processor keeps up. */
  private int search(List<BenchReport.Trial> trials) throws Exception {
    int max = o.maxCameras();
    int lo = 0;
    int hi = -1;
    int trial = 0;
    for (int n = 1; n <= max; n *= 2) {
      BenchReport.Trial t = trial(trial++, n);
      trials.add(t);
      if (t.keptUp()) {
        lo = n;
      } else {
        hi = n;
        break;
      }
    }
    if (hi < 0 && lo < max) {
      BenchReport.Trial t = trial(trial++, max);
      trials.add(t);
      if (t.keptUp()) {
        return max;
      }
      hi = max;
    }
    if (hi < 0) {
      return lo;
    }
    int steps = o.quick() ? 1 : 3;
    while (hi - lo > 1 && steps-- > 0) {
      int mid = (lo + hi) / 2;
      BenchReport.Trial t = trial(trial++, mid);
      trials.add(t);
      if (t.keptUp()) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private BenchReport.Trial trial(int index, int n) throws Exception {
    double fps = 2;
    Duration length = Duration.ofSeconds(o.quick() ? 10 : 25);
    Duration warmup = Duration.ofSeconds(o.quick() ? 3 : 6);
    List<SiteConfig.Camera> cams = cameras("t" + index + "-", n, fps, o.motionThreshold());
    Fleet agent = new Fleet(cams);
    long t0 = System.nanoTime();
    agent.start();
    List<LagProbe.Sample> samples = new ArrayList<>();
    long cpu0 = 0;
    try {
      Thread.sleep(warmup.toMillis());
      cpu0 = os.getProcessCpuTime();
      samples.add(frames.sample());
      long end = t0 + length.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(1000);
        samples.add(frames.sample());
      }
    } finally {
      agent.close();
    }
    Map<String, CameraStats> stats = agent.stats();
    LagProbe.Sample first = samples.get(0);
    LagProbe.Sample last = samples.get(samples.size() - 1);
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / seconds;
    double[] x = new double[samples.size()];
    double[] y = new double[samples.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (samples.get(i).nanos() - first.nanos()) / 1e9;
      y[i] = samples.get(i).lag();
    }
    double offered = (last.end() - first.end()) / seconds;
    double processed = (last.committed() - first.committed()) / seconds;
    long dropped = stats.values().stream().mapToLong(CameraStats::framesDropped).sum();
    boolean ok = BenchStats.keptUp(x, y, offered, dropped, 3.0);
    BenchReport.Trial t =
        new BenchReport.Trial(
            n,
            fps,
            offered,
            processed,
            BenchStats.slope(x, y),
            last.lag(),
            dropped,
            cpu,
            skipFraction(stats),
            ok);
    LOG.info("bench: trial {}", t);
    if (!awaitDrained(Duration.ofSeconds(Math.max(60, 3 * length.toSeconds())))) {
      LOG.warn("bench: the processor did not drain after trial {}; the next one starts loaded", n);
    }
    return t;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /**
   * Cameras that all replay the first clip: the other sample clips last only a few seconds, and a
   * camera whose file ends would lower the offered load in the middle of a phase.
   */
  /** Camera ids, {@code perPartition} of them on each partition under Kafka's key hashing. */
  static List<String> balancedIds(String prefix, int perPartition, int partitions) {
    int[] taken = new int[partitions];
    List<String> ids = new ArrayList<>();
    for (int i = 0; ids.size() < perPartition * partitions; i++) {
      String id = prefix + i;
      int p = BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions);
      if (taken[p] < perPartition) {
        taken[p]++;
        ids.add(id);
      }
    }
    return ids;
  }

  private List<SiteConfig.Camera> cameras(String prefix, int n, double fps, double motion) {
    List<SiteConfig.Camera> cams = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path clip = clips.get(0);
      cams.add(new SiteConfig.Camera(prefix + i, clip.toString(), fps, 10, motion, 0, List.of()));
    }
    return cams;
  }

  /**
   * Realtime cameras, one agent each, started a little apart so that cameras replaying the same
   * clip do not send their frames in lockstep. Shares the bench's producer.
   */
  private final class Fleet {
    private final List<EdgeAgent> agents = new ArrayList<>();

    Fleet(List<SiteConfig.Camera> cams) {
      for (SiteConfig.Camera c : cams) {
        agents.add(
            new EdgeAgent(
                List.of(c), producer, site.topics(), AgentOptions.defaults().withRealtime(true)));
      }
    }

    void start() throws InterruptedException {
      long stepMs = agents.isEmpty() ? 0 : Math.min(250, 4000 / agents.size());
      for (EdgeAgent a : agents) {
        a.start();
        Thread.sleep(stepMs);
      }
    }

    Map<String, CameraStats> stats() {
      Map<String, CameraStats> m = new LinkedHashMap<>();
      agents.forEach(a -> m.putAll(a.stats()));
      return m;
    }

    void close() {
      agents.forEach(EdgeAgent::close);
    }
  }

  private boolean awaitDrained(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (frames.sample().lag() == 0) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  private static long sent(Map<String, CameraStats> stats) {
    return stats.values().stream().mapToLong(CameraStats::framesSent).sum();
  }

  private static boolean ended(Map<String, CameraStats> stats) {
    return stats.values().stream().allMatch(s -> s.state().terminal());
  }

  /** Frames the motion gate skipped, over the frames that passed fps sampling. */
  static double skipFraction(Map<String, CameraStats> stats) {
    long skipped = stats.values().stream().mapToLong(CameraStats::framesSkippedByMotion).sum();
    long sampled =
        stats.values().stream().mapToLong(s -> s.framesGrabbed() - s.framesSampledOut()).sum();
    return sampled == 0 ? Double.NaN : (double) skipped / sampled;
  }

  private void provision() throws Exception {
    Topics t = site.topics();
    // The same topics, partitions aside, as every Vigil service creates.
    topicSetup.ensure(admin, t, PARTITIONS);
    // for 0 s (none given) and cooldown 0: every person entering an empty view opens an episode.
    PromptSpec spec = new PromptSpec("people-in-view", PROMPT_TEXT, List.of(), 0, "info");
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, site.kafka().bootstrapServers());
    try (KafkaProducer<String, byte[]> prod =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      prod.send(new ProducerRecord<>(t.prompts(), spec.id(), Json.toBytes(spec))).get();
    }
  }

  private void sampleRss() {
    double r = Rss.currentMb();
    if (!Double.isNaN(r)) {
      peakRss = Math.max(peakRss, r);
    }
  }

  private Map<String, Object> optionsMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("footage", o.footage().toString());
    m.put("cameras", o.cameras());
    m.put("fps", o.fps());
    m.put("duration_s", o.duration().toSeconds());
    m.put("quick", o.quick());
    m.put("stream_threads", o.streamThreads());
    m.put("commit_interval_ms", o.commitIntervalMs());
    m.put("intra_op_threads", o.intraOpThreads());
    m.put("agent_linger_ms", o.lingerMs());
    m.put("max_cameras", o.maxCameras());
    m.put("motion_threshold", o.motionThreshold());
    return m;
  }

  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    String cpu = "unknown";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu =
          lines
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElse(cpu);
    } catch (IOException | RuntimeException e) {
      // Not Linux: leave it unknown.
    }
    m.put("cpu", cpu);
    m.put(
        "load_average_at_start",
        BenchReport.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2));
    m.put("java", System.getProperty("java.version"));
    return m;
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.2f", v);
  }

  /** For the JSON line. */
  public static String json(BenchReport r) {
    return Json.toString(r.all());
  }
}
