package dev.vigil.deploy.bench;

import dev.vigil.agent.AgentProducer;
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
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
 *   <li>throughput: a backlog sized from the bare rate, then the processor starts and drains it,
 *       paused between its windows while the bare model runs again; {@code pipeline_fps} is the
 *       rate at which it commits frame offsets once the JIT has settled;
 *   <li>latency: N cameras at F fps in realtime with motion gating; an MQTT subscriber times every
 *       {@code open} event from the capture of its frame;
 *   <li>the camera search at 2 fps: doubling, then bisecting, N until consumer lag grows;
 *   <li>with {@code vlmDelay}, the slow model: throughput and latency twice more, back to back,
 *       without and then with a model endpoint that takes that long per call and one more prompt
 *       for it.
 * </ol>
 *
 * <p>Each phase is its own class ({@link BarePhase}, {@link ThroughputPhase}, {@link LatencyPhase},
 * {@link CameraSearch}, {@link SlowModelPhase}) over a shared {@link BenchContext}; this class
 * starts the brokers and runs them in order.
 *
 * <p>Not thread-safe; run once.
 */
public final class Bench {
  private static final Logger LOG = LoggerFactory.getLogger(Bench.class);
  static final String SITE = "bench";
  static final String PROMPT_ID = "people-in-view";
  static final String PROMPT_TEXT = "How many people are in view?";
  static final String APP_ID = "vigil-bench-processor";
  static final int PARTITIONS = 4;

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
   * @param vlmDelay with a value, the slow-model phase runs against an endpoint answering each call
   *     after it; null skips that phase
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
      Path workDir,
      Duration vlmDelay) {}

  /**
   * Creates Vigil's topics as every service does, with {@code partitions} per-camera partitions.
   */
  @FunctionalInterface
  public interface TopicSetup {
    void ensure(Admin admin, Topics topics, int partitions) throws Exception;
  }

  /** Told how many of the run's {@link #phases(Options)} are done, for progress. */
  @FunctionalInterface
  public interface PhaseListener {
    void done(int phases);
  }

  /** Phases: frames, bare model, throughput, latency, camera search. */
  public static final int PHASES = 5;

  private final Options o;
  private final Function<SiteConfig, AutoCloseable> alertsSide;
  private final TopicSetup topicSetup;
  private final PhaseListener phases;
  private final List<Path> clips;
  private final Map<String, Object> details = new LinkedHashMap<>();

  /**
   * @param alertsSide starts the alerts side for a site, as {@code vigil alerts} runs it
   *     (violations to MQTT, retained state per camera), and returns it running; the bench closes
   *     it. Handed in by the command, so this package does not depend on the CLI package that calls
   *     it.
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

  /** How many phases a run of {@code options} has: one more with the slow model. */
  public static int phases(Options options) {
    return PHASES + (options.vlmDelay() == null ? 0 : 1);
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
      SiteConfig site =
          new SiteConfig(
              SITE,
              new SiteConfig.Kafka(kafka.bootstrapServers(), Topics.DEFAULT_PREFIX, Map.of()),
              new SiteConfig.Mqtt(mqtt.url(), null, "vigil-bench-" + SITE, null, null, null),
              new SiteConfig.Model(null, o.intraOpThreads()),
              List.of(),
              List.of());
      Properties ap = new Properties();
      ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      Admin admin = Admin.create(ap);
      Producer<String, byte[]> producer = null;
      try {
        // The same topics, partitions aside, as every Vigil service creates.
        topicSetup.ensure(admin, site.topics(), PARTITIONS);
        producer =
            AgentProducer.createKafkaProducer(
                kafka.bootstrapServers(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(o.lingerMs())));
        BenchContext ctx = new BenchContext(o, clips, site, admin, producer, details);
        // For 0 s and cooldown 0: every person entering an empty view opens an episode.
        ctx.publishPrompt(new PromptSpec(PROMPT_ID, PROMPT_TEXT, List.of(), 0, "info"));
        return measure(ctx);
      } finally {
        if (producer != null) {
          producer.close(Duration.ofSeconds(10));
        }
        admin.close(Duration.ofSeconds(10));
      }
    }
  }

  private BenchReport measure(BenchContext ctx) throws Exception {
    // 1. The JPEGs the pipeline carries: a first slice of the backlog, read back from Kafka.
    int sample = o.quick() ? 60 : 120;
    Backlog.produce(ctx, "warm-", sample);
    List<byte[]> jpegs = Backlog.readBack(ctx, sample);
    phases.done(1);
    LOG.info("bench: {} JPEG frames read back for the bare model", jpegs.size());

    try (PersonPerception model = PersonPerception.open(new ModelStore(), o.intraOpThreads())) {
      // 2. The bare model.
      BarePhase bare = new BarePhase(ctx, model, jpegs);
      double bareBefore = bare.before();
      ctx.sampleRss();
      phases.done(2);

      // 3. Throughput: a backlog worth the longest warm-up and the windows at the bare rate, then
      // the processor.
      Duration minWarmup = Duration.ofSeconds(o.quick() ? 3 : 30);
      Duration window = Duration.ofSeconds(o.quick() ? 5 : 20);
      ThroughputPhase throughput =
          new ThroughputPhase(ctx, minWarmup, Duration.ofSeconds(o.quick() ? 3 : 150), window);
      Backlog.produce(ctx, "load-", throughput.backlogFor(bareBefore));
      Path state = o.workDir().resolve("streams");
      Files.createDirectories(state);
      LatencyPhase latencyPhase = new LatencyPhase(ctx);
      try (LatencySubscriber subscriber = new LatencySubscriber(ctx.site.mqtt().url(), SITE);
          // The alerts side as deployed: violations to MQTT, and the retained state per camera.
          AutoCloseable alerts = alertsSide.apply(ctx.site);
          // With --vlm-delay-ms the model route is there from the start, idle until phase 6.
          SlowModelPhase slow =
              o.vlmDelay() == null ? null : SlowModelPhase.start(ctx, o.vlmDelay());
          ProcessorApp processor = processor(ctx, model, state, slow == null ? null : slow.vlm())) {
        processor.start();
        ThroughputPhase.Result measured = throughput.measure(processor, bare, 0, details);
        double bareFps = measured.bareFps();
        phases.done(3);
        ctx.sampleRss();
        ctx.awaitDrained(Duration.ofMinutes(5));
        ctx.awaitClockPastFrames();

        // 4. Latency.
        LatencyPhase.Latency latency = latencyPhase.measure(subscriber, "lat-", details);
        ctx.sampleRss();
        phases.done(4);

        // 5. Camera search at 2 fps.
        CameraSearch search = new CameraSearch(ctx, processor);
        int camerasAt2 = o.maxCameras() > 0 ? search.run() : -1;
        details.put("trials_at_2fps", BenchReport.Trial.toMaps(search.trials()));
        phases.done(5);
        ctx.sampleRss();

        Map<String, Object> slowModel = null;
        if (slow != null) {
          // 6. Throughput and latency again, without and then with a prompt for the slow model.
          // The JIT has settled by now: the minimum warm-up only.
          ThroughputPhase rerun = new ThroughputPhase(ctx, minWarmup, minWarmup, window);
          slowModel =
              slow.run(processor, rerun, latencyPhase, subscriber, rerun.backlogFor(bareFps));
          phases.done(6);
          ctx.sampleRss();
        }
        details.put("rss_now_mb", BenchReport.round(Rss.currentMb(), 0));
        details.put("rss_peak_hwm_mb", BenchReport.round(Rss.peakMb(), 0));
        return new BenchReport(
            bareFps,
            measured.pipelineFps(),
            measured.ratio(),
            latency.p50(),
            latency.p99(),
            camerasAt2,
            latency.skipFraction(),
            ctx.peakRss(),
            details,
            slowModel);
      }
    }
  }

  private ProcessorApp processor(
      BenchContext ctx, FrameAnalyzer model, Path state, SiteConfig.Vlm vlm) {
    return new ProcessorApp(
        ctx.site.kafka(),
        ctx.site.topics(),
        Map.of(),
        model,
        () -> new AudioAnalyzer()::analyze,
        new ProcessorApp.Options(APP_ID, state, o.streamThreads(), o.commitIntervalMs()),
        vlm);
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
    if (o.vlmDelay() != null) {
      m.put("vlm_delay_ms", o.vlmDelay().toMillis());
    }
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

  /** For the JSON line. */
  public static String json(BenchReport r) {
    return Json.toString(r.all());
  }
}
