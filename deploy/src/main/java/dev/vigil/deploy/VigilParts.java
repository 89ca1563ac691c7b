package dev.vigil.deploy;

import dev.vigil.agent.AgentOptions;
import dev.vigil.agent.AgentProducer;
import dev.vigil.agent.EdgeAgent;
import dev.vigil.agent.spool.DiskSpool;
import dev.vigil.alerts.AlertsInstance;
import dev.vigil.alerts.PublishedAlert;
import dev.vigil.config.HttpAccess;
import dev.vigil.config.Json;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.PrivateFiles;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.http.ServiceHttp;
import dev.vigil.config.metrics.ServiceMetrics;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.audio.AudioAnalyzer;
import dev.vigil.inference.byo.Detectors;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.prompt.VlmRoute;
import dev.vigil.inference.vision.PersonPerception;
import dev.vigil.processor.ProcessorApp;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Assembles Vigil's parts for one site: model, processor, alerts and agent. Each part starts on
 * demand, so {@code vigil processor} starts one and {@code vigil demo} all of them. Closing stops
 * them in reverse data-flow order: agent, processor, alerts, model.
 */
final class VigilParts implements AutoCloseable {

  private final SiteConfig site;
  private final Path dataDir;
  private final Admin admin;
  private FrameAnalyzer model;
  private ProcessorApp processor;
  private AlertsRunner alerts;
  private EdgeAgent agent;
  private Producer<String, byte[]> agentProducer;
  private DiskSpool spool;
  private ServiceMetrics agentRegistry;
  private KafkaClientMetrics agentKafkaMetrics;
  private AgentMetrics agentMetrics;
  private ServiceHttp agentHttp;
  private short replication = -1;
  private int standbyReplicas = 1;

  private VigilParts(SiteConfig site, Path dataDir) {
    this.site = site;
    this.dataDir = dataDir;
    this.admin = Admin.create(adminProperties(site.kafka()));
  }

  static VigilParts open(SiteConfig site, Path dataDir) {
    return new VigilParts(site, dataDir);
  }

  /** Compiles a prompt offline, so bad prompts fail before anything starts. */
  static void checkPrompt(String text) {
    checkPrompt(text, null);
  }

  /**
   * As {@link #checkPrompt(String)}; with {@code vlmModel} set, a prompt outside the language is
   * fine, as the model answers it.
   */
  static void checkPrompt(String text, String vlmModel) {
    try {
      VlmRoute.compile(text, vlmModel);
    } catch (RuntimeException e) {
      throw new VigilCli.UsageException("prompt refused: " + e.getMessage());
    }
  }

  static Properties adminProperties(SiteConfig.Kafka kafka) {
    return KafkaClients.admin(kafka);
  }

  static Properties producerProperties(SiteConfig.Kafka kafka) {
    return KafkaClients.producer(kafka, Map.of());
  }

  /**
   * Creates missing topics and seeds the site's prompts into {@code vigil.prompts}: only those
   * whose id is absent there, so edits made at run time with {@code vigil prompt} survive a
   * restart.
   */
  void provisionAndSeed() throws InterruptedException, ExecutionException {
    provisionAndSeed(false);
  }

  /**
   * As {@link #provisionAndSeed()}; with {@code reseed}, the file's version of every prompt
   * replaces the one in {@code vigil.prompts}.
   */
  void provisionAndSeed(boolean reseed) throws InterruptedException, ExecutionException {
    replication = TopicProvisioner.replicationFactor(admin);
    TopicProvisioner.ensure(admin, site.topics(), site.kafka().partitions(), replication);
    List<PromptSpec> seed = site.prompts();
    if (!reseed && !seed.isEmpty()) {
      Map<String, byte[]> existing = PromptCommand.read(site.kafka());
      seed = seed.stream().filter(p -> !existing.containsKey(p.id())).toList();
      if (seed.size() < site.prompts().size()) {
        org.slf4j.LoggerFactory.getLogger(VigilParts.class)
            .info(
                "kept {} prompt(s) already in {} (edited at run time?); --reseed replaces them",
                site.prompts().size() - seed.size(),
                site.topics().prompts());
      }
    }
    seedPrompts(site.kafka(), site.topics(), seed);
  }

  static void seedPrompts(SiteConfig.Kafka kafka, Topics topics, List<PromptSpec> prompts)
      throws InterruptedException, ExecutionException {
    if (prompts.isEmpty()) {
      return;
    }
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(
            producerProperties(kafka), new StringSerializer(), new ByteArraySerializer())) {
      for (PromptSpec spec : prompts) {
        p.send(new ProducerRecord<>(topics.prompts(), spec.id(), Json.toBytes(spec))).get();
      }
    }
  }

  void startProcessor() throws IOException {
    startProcessor(null);
  }

  /**
   * Starts the only processor of a single-machine run: no standby replica, which could never be
   * placed and would only be warned about.
   */
  void startSingleProcessor() throws IOException {
    standbyReplicas = 0;
    startProcessor(null);
  }

  /**
   * Starts the processor; with {@code advertised} ({@code host:port} of its HTTP server), its
   * dashboard answers for every processor of the site.
   */
  void startProcessor(String advertised) throws IOException {
    SiteConfig.Model m = site.model();
    ModelStore store =
        m == null || m.cacheDir() == null
            ? new ModelStore()
            : new ModelStore(Path.of(m.cacheDir()));
    int threads = m == null ? 1 : m.intraOpThreads();
    // A plant's own SavedModel detector when configured, else the built-in person perception.
    model = Detectors.open(m, () -> PersonPerception.open(store, threads));
    Map<String, SiteConfig.Camera> cameras =
        site.cameras().stream()
            .collect(Collectors.toMap(SiteConfig.Camera::id, Function.identity()));
    Path state = dataDir.resolve("streams");
    PrivateFiles.createDirectories(state);
    processor =
        new ProcessorApp(
            site.kafka(),
            site.topics(),
            cameras,
            model,
            () -> new AudioAnalyzer()::analyze,
            ProcessorApp.Options.defaults(site.site(), state)
                .withReplication(replication())
                .withApplicationServer(advertised)
                .withStandbyReplicas(standbyReplicas),
            site.vlm());
    processor.start();
  }

  /** The replication factor of Vigil's topics on this cluster, {@code min(3, brokers)}. */
  private short replication() throws IOException {
    if (replication < 0) {
      try {
        replication = TopicProvisioner.replicationFactor(admin);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while asking the cluster for its brokers", e);
      } catch (ExecutionException e) {
        throw new IOException("cannot ask the Kafka cluster for its brokers: " + e.getCause(), e);
      }
    }
    return replication;
  }

  /** Serves the dashboard, REST API and metrics of the running processor on loopback. */
  int startDashboard(int port) {
    return startDashboard("127.0.0.1", port, HttpAccess.open());
  }

  /**
   * Serves the dashboard, REST API, metrics and health of the running processor.
   *
   * @return the port bound
   */
  int startDashboard(String host, int port, HttpAccess access) {
    return processor.startDashboard(host, port, access).port();
  }

  /**
   * Serves the running agent's {@code /metrics} (its cameras, its Kafka producer and its JVM) and
   * health; closed with these parts. Call after {@link #startAgent}.
   */
  int serveAgentHttp(String host, int port, HttpAccess access) {
    agentHttp =
        ServiceHttp.start(
            "agent",
            host,
            port,
            access,
            agentMetrics::render,
            ServiceHttp.ALWAYS_LIVE,
            () -> AgentMetrics.health(agent.stats(), spool));
    return agentHttp.port();
  }

  AlertsRunner startAlerts(Consumer<PublishedAlert> listener) throws IOException {
    return startAlerts(listener, AlertsInstance.fromEnvironment());
  }

  /**
   * Starts alerts; {@code instance} ends the MQTT client id (see {@link AlertsInstance}). Watch
   * {@link AlertsRunner#failed()}: a process must not run on with dead alerts.
   */
  AlertsRunner startAlerts(Consumer<PublishedAlert> listener, String instance) throws IOException {
    Path persistence = dataDir.resolve("mqtt");
    PrivateFiles.createDirectories(persistence);
    alerts = new AlertsRunner(site, persistence, listener, instance).start();
    return alerts;
  }

  /** Disk the agent's spool may use by default. */
  static final long DEFAULT_SPOOL_MAX_MB = 1024;

  /** Starts the edge agent with a spool of {@link #DEFAULT_SPOOL_MAX_MB}. */
  void startAgent() throws IOException {
    startAgent(DEFAULT_SPOOL_MAX_MB);
  }

  /**
   * Starts the edge agent, spooling to {@code <data-dir>/spool} (at most {@code spoolMaxMb}) while
   * Kafka cannot take its records.
   */
  void startAgent(long spoolMaxMb) throws IOException {
    startAgent(spoolMaxMb, AgentOptions.defaults());
  }

  /** As {@link #startAgent(long)}, with the agent's own options (pacing, clock). */
  void startAgent(long spoolMaxMb, AgentOptions options) throws IOException {
    spool = DiskSpool.open(dataDir.resolve("spool"), spoolMaxMb << 20);
    agentProducer =
        AgentProducer.createKafkaProducer(
            site.kafka().bootstrapServers(), site.kafka().properties());
    agent = new EdgeAgent(site.cameras(), agentProducer, site.topics(), options, spool);
    agentRegistry = ServiceMetrics.withJvm();
    agentKafkaMetrics = new KafkaClientMetrics(agentProducer);
    agentKafkaMetrics.bindTo(agentRegistry.registry());
    agentMetrics = new AgentMetrics(agentRegistry, agent::stats, spool);
    agent.start();
  }

  /**
   * Waits until every source has ended, every frame and snippet has been processed and every
   * violation published.
   */
  void awaitDrained(Duration timeout) throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + timeout.toNanos();
    awaitProcessed(timeout);
    Drain.await(
        admin,
        AlertsRunner.groupId(site),
        Drain.lastRecordEnds(site.kafka(), List.of(site.topics().violations())),
        remaining(deadline));
    Drain.await(
        admin,
        AlertsRunner.stateGroupId(site),
        Drain.lastRecordEnds(site.kafka(), List.of(site.topics().observations())),
        remaining(deadline));
  }

  /** Waits until every source has ended and the processor has consumed all it produced. */
  void awaitProcessed(Duration timeout) throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!agent.awaitSourcesEnded(timeout)) {
      throw new IllegalStateException("sources did not end within " + timeout.toSeconds() + " s");
    }
    agent.close();
    agentProducer.flush();
    Topics t = site.topics();
    String group = ProcessorApp.Options.defaults(site.site(), dataDir).applicationId();
    Drain.await(
        admin, group, Drain.endOffsets(admin, List.of(t.frames(), t.audio())), remaining(deadline));
    if (processor != null && site.vlm() != null) {
      // The model answers after the frames are processed: wait for its calls, then its answers.
      while (!processor.vlmIdle()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the model's calls did not end in time");
        }
        Thread.sleep(100);
      }
      Drain.await(
          admin, group, Drain.endOffsets(admin, List.of(t.vlmAnswers())), remaining(deadline));
    }
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
  }

  @Override
  public void close() {
    List<AutoCloseable> parts = new ArrayList<>();
    parts.add(agentHttp);
    parts.add(agent);
    parts.add(agentKafkaMetrics);
    parts.add(agentProducer);
    parts.add(agentRegistry);
    parts.add(spool);
    parts.add(processor);
    parts.add(alerts);
    parts.add(model);
    parts.add(admin);
    for (AutoCloseable part : parts) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(VigilParts.class).warn("closing {} failed", part, e);
      }
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // Best effort: a leftover temp file is harmless.
                }
              });
    } catch (IOException e) {
      // Best effort, as above.
    }
  }
}
