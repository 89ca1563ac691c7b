package dev.vigil.processor;

import dev.vigil.config.HttpAccess;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.metrics.ServiceMetrics;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.vlm.VlmClient;
import dev.vigil.processor.dashboard.DashboardServer;
import dev.vigil.processor.dashboard.DashboardTopology;
import dev.vigil.processor.dashboard.SnapshotStore;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.vlm.AnswerLog;
import dev.vigil.processor.vlm.VlmDispatcher;
import dev.vigil.processor.vlm.VlmMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Vigil topology on a Kafka cluster. Owns its {@link KafkaStreams}; the caller owns the
 * {@link FrameAnalyzer} and closes it after this.
 */
public final class ProcessorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorApp.class);
  private final KafkaStreams streams;
  private final ServiceMetrics registry = ServiceMetrics.withJvm();
  private final VigilMetrics metrics = new VigilMetrics(registry);
  private final KafkaStreamsMetrics kafkaMetrics;
  private final SnapshotStore snapshots = new SnapshotStore();
  private final HostInfo self;
  private final AnswerLog answerLog;
  private final VlmDispatcher vlm;
  private DashboardServer dashboard;

  /** How long the start may take to read back the answers already recorded. */
  private static final Duration READ_ANSWERS_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Tunables of the streams app.
   *
   * @param applicationId Kafka Streams application id (consumer group and state dir name)
   * @param stateDir where local state lives
   * @param streamThreads stream threads; each runs the model on its own frames
   * @param commitIntervalMs EOS commit interval: bounds how long observations wait before they are
   *     visible downstream; violations do not wait for it (the rules ask for a commit after each)
   */
  public record Options(
      String applicationId,
      Path stateDir,
      int streamThreads,
      long commitIntervalMs,
      int replicationFactor,
      int standbyReplicas,
      String applicationServer) {
    /**
     * @param replicationFactor of the internal topics (changelogs); -1 takes the broker's default
     * @param standbyReplicas warm copies of each task's state on other instances, so a failover
     *     does not rebuild state from the changelog
     * @param applicationServer {@code host:port} where other processors reach this one's HTTP
     *     server, so each dashboard answers for the whole plant; null for a single instance
     */
    public Options {}

    /** Broker-default replication, no standby replicas. */
    public Options(String applicationId, Path stateDir, int streamThreads, long commitIntervalMs) {
      this(applicationId, stateDir, streamThreads, commitIntervalMs, -1, 0, null);
    }

    /** These options with internal topics replicated {@code factor} times. */
    public Options withReplication(int factor) {
      return with(factor, standbyReplicas, applicationServer);
    }

    /** These options with {@code n} standby replicas (0 for a single instance, as in the demo). */
    public Options withStandbyReplicas(int n) {
      return with(replicationFactor, n, applicationServer);
    }

    /** These options with this instance reachable at {@code hostPort} by the others. */
    public Options withApplicationServer(String hostPort) {
      return with(replicationFactor, standbyReplicas, hostPort);
    }

    private Options with(int replication, int standby, String server) {
      return new Options(
          applicationId, stateDir, streamThreads, commitIntervalMs, replication, standby, server);
    }

    /**
     * Default commit interval. Violations commit as soon as they are written, so the interval only
     * delays observations (retained state on MQTT; the dashboard reads the stores directly), and a
     * longer one means fewer transactions: each costs the stream thread and the broker a round of
     * partition checks and transaction markers. At 250 ms the broker served 5 transactions a second
     * in `vigil bench`'s backlog; at 1 s, 1.8 (docs/BENCHMARKS.md).
     */
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 1000;

    /**
     * The defaults for {@code site}: application id {@code vigil-<site>-processor}, so sites that
     * share a cluster do not share a consumer group or state.
     */
    public static Options defaults(String site, Path stateDir) {
      // Two stream threads overlap one frame's model call with the other's Kafka round trips;
      // measured by `vigil bench` (docs/BENCHMARKS.md).
      return new Options(
          KafkaClients.id(site, "processor"), stateDir, 2, DEFAULT_COMMIT_INTERVAL_MS, -1, 1, null);
    }
  }

  /**
   * A processor of {@code cameras} that runs {@code analyzer} on their frames, with {@code vlm}
   * answering the prompts outside the language; null for none. The answers already on {@code
   * vigil.vlm-answers} are read first, so a replay does not ask again, and then followed, so the
   * prompts' model status reflects the calls of every instance.
   */
  public ProcessorApp(
      SiteConfig.Kafka kafka,
      Topics topics,
      Map<String, SiteConfig.Camera> cameras,
      FrameAnalyzer analyzer,
      Supplier<AudioSnippetAnalyzer> audio,
      Options options,
      SiteConfig.Vlm vlm) {
    if (vlm == null) {
      this.answerLog = null;
      this.vlm = null;
    } else {
      this.answerLog = new AnswerLog(kafka, topics.vlmAnswers());
      this.vlm =
          new VlmDispatcher(
              vlm, new VlmClient(vlm), answerLog, System::currentTimeMillis, registry.registry());
      answerLog.follow(this.vlm::read, READ_ANSWERS_TIMEOUT);
      FunctionCounter.builder("vigil.vlm.answers.read.failures", answerLog, AnswerLog::readFailures)
          .description("Times reading vigil.vlm-answers back failed and was tried again.")
          .register(registry.registry());
      LOG.info("prompts outside the language go to {}", vlm);
    }
    this.streams =
        new KafkaStreams(
            DashboardTopology.addTo(
                VigilTopology.build(topics, analyzer, cameras, audio, metrics, snapshots, this.vlm),
                topics,
                metrics),
            streamsConfig(kafka, topics, options, metrics));
    this.kafkaMetrics = new KafkaStreamsMetrics(streams);
    kafkaMetrics.bindTo(registry.registry());
    this.self =
        options.applicationServer() == null
            ? null
            : HostInfo.buildFromEndpoint(options.applicationServer());
    streams.setUncaughtExceptionHandler(
        e -> {
          // A refused login or TLS handshake fails again in a new thread: stop, and say why.
          String refused = KafkaClients.authenticationFailure(e);
          if (refused != null) {
            LOG.error("{}; stopping the processor", refused, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          }
          LOG.error("stream thread failed; replacing it", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  /** Frames a stream thread buffers per input partition before it stops fetching it. */
  static final int MAX_BUFFERED_FRAMES = 50;

  /**
   * Upper bound of the producer's linger: a batch that waits longer fills anyway, and Kafka wants
   * linger plus the request timeout within the delivery timeout.
   */
  static final long MAX_LINGER_MS = 1000;

  /**
   * The streams configuration. The site's own Kafka properties apply, but not over the guarantees:
   * exactly-once v2, idempotent producers with acks=all, and every record that cannot be read,
   * processed or written dead-lettered by {@link DeadLetterHandler}.
   */
  public static Properties streamsConfig(
      SiteConfig.Kafka kafka, Topics topics, Options options, VigilMetrics metrics) {
    Map<String, Object> tunables = new HashMap<>();
    tunables.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    tunables.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
    // Nothing reads the output before its transaction commits, and the commit flushes the producer
    // (a violation's at once): lingering up to the interval sends a transaction's records of a
    // partition in one produce request instead of one per frame.
    tunables.put(
        StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
        (int) Math.min(options.commitIntervalMs(), MAX_LINGER_MS));
    // Inference is slow per record: keep polls small so a poll never outlives max.poll.interval.
    tunables.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 50);
    // And buffer little: the default 1000 JPEG frames per partition is half a minute of inference
    // each, and hundreds of MB of heap while the processor catches up on a backlog.
    tunables.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, MAX_BUFFERED_FRAMES);
    tunables.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    Map<String, Object> guarantees = new HashMap<>();
    guarantees.put(StreamsConfig.APPLICATION_ID_CONFIG, options.applicationId());
    guarantees.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    guarantees.put(StreamsConfig.STATE_DIR_CONFIG, options.stateDir().toString());
    guarantees.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.streamThreads());
    guarantees.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.commitIntervalMs());
    guarantees.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, options.replicationFactor());
    guarantees.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, options.standbyReplicas());
    guarantees.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
    guarantees.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
    if (options.applicationServer() != null) {
      guarantees.put(StreamsConfig.APPLICATION_SERVER_CONFIG, options.applicationServer());
    }
    guarantees.putAll(deadLetterHandlers(topics, metrics));
    return KafkaClients.streams(kafka, tunables, guarantees);
  }

  /** The settings that send unreadable, unprocessable and unwritable records to the DLQ. */
  public static Map<String, Object> deadLetterHandlers(Topics topics, VigilMetrics metrics) {
    Map<String, Object> p = new HashMap<>();
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    p.put(DeadLetterHandler.TOPIC_CONFIG, topics.dlq());
    p.put(DeadLetterHandler.METRICS_CONFIG, metrics);
    return p;
  }

  public void start() {
    streams.start();
  }

  public KafkaStreams streams() {
    return streams;
  }

  public VigilMetrics metrics() {
    return metrics;
  }

  /** True when the model route has nothing waiting or in flight (always, without a model). */
  public boolean vlmIdle() {
    return vlm == null || vlm.idle();
  }

  /** The model route's metrics, or null when the site has no model. */
  public VlmMetrics vlmMetrics() {
    return vlm == null ? null : vlm.metrics();
  }

  /**
   * Serves the dashboard at {@code /}, the REST API at {@code /api/*} and Prometheus metrics at
   * {@code /metrics}; closed with this app.
   */
  public DashboardServer startDashboard(String host, int port, HttpAccess access) {
    dashboard =
        DashboardServer.forStreams(streams, host, port, metrics, access, self)
            .withSnapshots(snapshots);
    return dashboard;
  }

  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close();
    }
    streams.close(Duration.ofSeconds(30));
    if (vlm != null) {
      vlm.close();
      answerLog.close();
    }
    DeadLetterHandler.closeProducers();
    kafkaMetrics.close();
    registry.close();
  }
}
